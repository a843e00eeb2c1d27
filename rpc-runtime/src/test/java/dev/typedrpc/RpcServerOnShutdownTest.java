package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.testing.ConformanceService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RpcServer.Builder#onShutdown}: what a health service uses to learn of the drain. */
@Timeout(60)
class RpcServerOnShutdownTest {
  @Test
  void actionsRunOnceInOrderWhenTheDrainStartsAndOneThatThrowsDoesNotStopIt() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    RpcServer server =
        RpcServer.builder()
            .listen("mem:on-shutdown-" + System.nanoTime())
            .addService(new ConformanceService().definition())
            .onShutdown(() -> ran.add("first"))
            .onShutdown(
                () -> {
                  ran.add("failing");
                  throw new IllegalStateException("expected by the test");
                })
            .onShutdown(() -> ran.add("last"))
            .build()
            .start();
    assertThat(ran).isEmpty();

    server.shutdown();
    server.shutdown();
    server.close();

    assertThat(ran).containsExactly("first", "failing", "last");
    assertThat(server.awaitTermination(Duration.ofSeconds(30))).isTrue();
  }
}
