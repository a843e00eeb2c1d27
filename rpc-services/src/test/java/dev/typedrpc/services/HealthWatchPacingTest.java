package dev.typedrpc.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.health.ServingStatus;
import dev.typedrpc.stub.ClientCalls;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code Watch} sends only what the client asked for, and a client that does not ask gets the
 * latest status when it does, not every one in between.
 */
@Timeout(120)
class HealthWatchPacingTest {
  @Test
  void aClientWithoutDemandGetsTheLatestStatusWhenItAsks() throws Exception {
    try (Fixture fixture = new Fixture(Fixture.listenFor("mem"));
        RpcChannel channel = RpcChannel.connect(fixture.target("mem"))) {
      BlockingQueue<ServingStatus> received = new LinkedBlockingQueue<>();
      CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
      ClientCalls.serverStreaming(channel, HealthService.WATCH, CallOptions.DEFAULT, "svc")
          .subscribe(
              new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                  subscription.complete(s);
                  s.request(1);
                }

                @Override
                public void onNext(ServingStatus item) {
                  received.add(item);
                }

                @Override
                public void onError(Throwable throwable) {}

                @Override
                public void onComplete() {}
              });
      assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVICE_UNKNOWN);

      fixture.health.setStatus("svc", ServingStatus.SERVING);
      fixture.health.setStatus("svc", ServingStatus.UNKNOWN);
      fixture.health.setStatus("svc", ServingStatus.NOT_SERVING);
      subscription.get().request(1);
      assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);

      fixture.health.setStatus("svc", ServingStatus.SERVING);
      subscription.get().request(1);
      assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
      subscription.get().cancel();
    }
  }
}
