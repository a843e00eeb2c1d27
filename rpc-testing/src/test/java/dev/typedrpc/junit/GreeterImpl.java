package dev.typedrpc.junit;

import dev.typedrpc.Publishers;
import dev.typedrpc.RpcContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

final class GreeterImpl implements Greeter {
  final AtomicInteger calls = new AtomicInteger();

  @Override
  public String greet(String name) {
    calls.incrementAndGet();
    String from = RpcContext.current().headers().get("x-from");
    return "hello " + name + (from == null ? "" : " from " + from);
  }

  @Override
  public Flow.Publisher<String> greetMany(int n) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add("hello " + i);
    }
    return Publishers.fromIterable(all);
  }
}
