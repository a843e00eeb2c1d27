package dev.typedrpc.junit;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.Flow;

/** The service the kit's own tests serve. */
@RpcService(name = "typedrpc.test.Greeter")
public interface Greeter {
  String greet(String name);

  /** {@code n} greetings. */
  Flow.Publisher<String> greetMany(int n);
}
