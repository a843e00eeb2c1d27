package dev.typedrpc.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A class run on every transport, by {@link OnEveryTransportTest} through JUnit's engine test kit
 * (not discovered on its own: its name is not a test's).
 */
@OnEveryTransport
class EveryTransportFixture {
  static final List<String> seen = new CopyOnWriteArrayList<>();

  @RegisterExtension
  static final RpcExtension rpc = RpcExtension.serving(GreeterRpc.bind(new GreeterImpl()));

  @Test
  void callsGoOverTheRunsTransport(Greeter greeter) {
    assertThat(greeter.greet("ana")).isEqualTo("hello ana");
    assertThat(rpc.channel().transportScheme()).isEqualTo(rpc.transport());
    seen.add(rpc.transport());
  }

  /** Only WebSocket and SSE. */
  @OnEveryTransport({"ws", "sse"})
  static class Narrowed {
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final RpcExtension rpc = RpcExtension.serving(GreeterRpc.bind(new GreeterImpl()));

    @Test
    void runs(Greeter greeter) {
      assertThat(greeter.greet("bob")).isEqualTo("hello bob");
      seen.add(rpc.channel().transportScheme());
    }
  }

  /** A transport that does not exist. */
  @OnEveryTransport("carrier-pigeon")
  static class Unknown {
    @RegisterExtension
    static final RpcExtension rpc = RpcExtension.serving(GreeterRpc.bind(new GreeterImpl()));

    @Test
    void neverRuns() {}
  }
}
