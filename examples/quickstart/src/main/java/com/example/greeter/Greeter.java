package com.example.greeter;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The whole schema: typedrpc generates GreeterRpc, the codecs and the .proto from it. */
@RpcService(name = "example.Greeter")
public interface Greeter {
  Greeting greet(Hello hello);

  CompletableFuture<Greeting> greetLater(Hello hello);

  Flow.Publisher<Greeting> greetEach(Hello hello, int times);

  record Hello(String name) {}

  record Greeting(String text, int count) {}
}
