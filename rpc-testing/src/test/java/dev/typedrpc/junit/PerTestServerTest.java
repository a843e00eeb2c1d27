package dev.typedrpc.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance extension: a fresh server per test, stopped after it, over WebSocket. */
class PerTestServerTest {
  private static final List<RpcServer> servers = new ArrayList<>();

  @RegisterExtension
  final RpcExtension rpc =
      RpcExtension.builder().addService(Greeter.class, new GreeterImpl()).transport("ws").build();

  @Test
  void first(Greeter greeter) {
    assertThat(greeter.greet("a")).isEqualTo("hello a");
    assertThat(rpc.channel().transportScheme()).isEqualTo("ws");
    servers.add(rpc.server());
  }

  @Test
  void second(Greeter greeter) {
    assertThat(greeter.greet("b")).isEqualTo("hello b");
    servers.add(rpc.server());
  }

  @AfterAll
  static void eachTestHadItsOwnServerAndAllAreStopped() throws InterruptedException {
    assertThat(servers).hasSize(2);
    assertThat(servers.get(0)).isNotSameAs(servers.get(1));
    for (RpcServer s : servers) {
      assertThat(s.awaitTermination(Duration.ZERO)).isTrue();
    }
  }

  @Test
  void anUnknownTransportIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> RpcExtension.builder().transport("carrier-pigeon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carrier-pigeon")
        .hasMessageContaining("[mem, ws, h2c, sse]");
  }
}
