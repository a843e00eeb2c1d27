package com.example.greeter;

import dev.typedrpc.RpcServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

/** The implementation, and a main that serves it on ws://127.0.0.1:7070/rpc. */
public final class GreeterServer implements Greeter {
  @Override
  public Greeting greet(Hello hello) {
    return new Greeting("Hello, " + hello.name() + "!", 1);
  }

  @Override
  public CompletableFuture<Greeting> greetLater(Hello hello) {
    return CompletableFuture.supplyAsync(() -> greet(hello));
  }

  @Override
  public Flow.Publisher<Greeting> greetEach(Hello hello, int times) {
    // one SubmissionPublisher per subscriber, subscribed before anything is submitted
    return subscriber -> {
      SubmissionPublisher<Greeting> publisher = new SubmissionPublisher<>();
      publisher.subscribe(subscriber);
      CompletableFuture.runAsync(
          () -> {
            try (publisher) {
              for (int i = 1; i <= times; i++) {
                publisher.submit(new Greeting("Hello again, " + hello.name(), i));
              }
            }
          });
    };
  }

  public static void main(String[] args) throws Exception {
    RpcServer server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:7070/rpc")
            .addService(GreeterRpc.bind(new GreeterServer()))
            .build()
            .start();
    System.out.println("Serving " + List.of("example.Greeter") + " on ws://127.0.0.1:7070/rpc");
    server.awaitTermination();
  }
}
