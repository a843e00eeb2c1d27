package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.greeter.Greeter.Greeting;
import com.example.greeter.Greeter.Hello;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GreeterTest {
  @Test
  void callsTheServiceOverWebSocket() throws Exception {
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(GreeterRpc.bind(new GreeterServer()))
                .build()
                .start();
        RpcChannel channel = RpcChannel.connect(server.address())) {
      Greeter greeter = channel.stub(Greeter.class);

      assertEquals(new Greeting("Hello, ana!", 1), greeter.greet(new Hello("ana")));
      assertEquals(
          new Greeting("Hello, bob!", 1),
          greeter.greetLater(new Hello("bob")).get(10, TimeUnit.SECONDS));
      assertEquals(List.of(1, 2, 3), counts(greeter.greetEach(new Hello("eve"), 3)));
    }
  }

  private static List<Integer> counts(Flow.Publisher<Greeting> greetings) throws Exception {
    List<Integer> counts = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    greetings.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(Greeting greeting) {
            counts.add(greeting.count());
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        });
    done.get(10, TimeUnit.SECONDS);
    return counts;
  }
}
