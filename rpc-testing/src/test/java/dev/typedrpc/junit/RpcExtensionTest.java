package dev.typedrpc.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A static extension: one in-memory server for the class, stubs and channels injected. */
class RpcExtensionTest {
  private static final GreeterImpl impl = new GreeterImpl();
  private static RpcServer firstServer;

  @RegisterExtension
  static final RpcExtension rpc =
      RpcExtension.builder()
          .addService(GreeterRpc.bind(impl))
          .callOptions(CallOptions.DEFAULT.withMetadata(Metadata.of("x-from", "the kit")))
          .build();

  @Test
  void injectsAStubWithTheExtensionsCallOptions(Greeter greeter) {
    assertThat(greeter.greet("ana")).isEqualTo("hello ana from the kit");
    sameServerForEveryTest(rpc.server());
  }

  @Test
  void injectsTheChannelAndTheServer(RpcChannel channel, RpcServer server) throws Exception {
    assertThat(channel).isSameAs(rpc.channel());
    assertThat(server).isSameAs(rpc.server());
    assertThat(channel.stub(Greeter.class).greet("bob")).isEqualTo("hello bob");
    assertThat(rpc.transport()).isEqualTo("mem");
    assertThat(channel.transportScheme()).isEqualTo("mem");
    sameServerForEveryTest(server);
  }

  @Test
  void streamsWork(Greeter greeter) throws Exception {
    assertThat(Publishers.collectList(greeter.greetMany(3)).get(10, TimeUnit.SECONDS))
        .containsExactly("hello 0", "hello 1", "hello 2");
    sameServerForEveryTest(rpc.server());
  }

  private static synchronized void sameServerForEveryTest(RpcServer server) {
    if (firstServer == null) {
      firstServer = server;
    }
    assertThat(server).isSameAs(firstServer);
  }

  @AfterAll
  static void theServerIsStoppedAfterTheClass() {
    assertThat(firstServer).isNotNull();
    assertThat(impl.calls.get()).isEqualTo(2);
  }
}
