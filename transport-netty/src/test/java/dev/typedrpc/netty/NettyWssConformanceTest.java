package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.AbstractTransportConformanceTest;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared conformance suite over WebSocket over TLS ({@code wss://}), against a server whose one
 * port takes TLS and cleartext alike; the client trusts the test CA and verifies the certificate's
 * host name. With leak checks.
 */
@ExtendWith(LeakCheck.class)
class NettyWssConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return TestCerts.tlsListenUri();
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create(
        "wss://"
            + serverAddress.getRawAuthority()
            + serverAddress.getRawPath()
            + "?"
            + TestCerts.trustQuery());
  }

  @Test
  void theSamePortStillServesCleartextWebSocket() throws Exception {
    try (RpcChannel plain =
        RpcChannel.connect(server.address(), ChannelOptions.DEFAULT.withTransport(settings()))) {
      assertThat(server.address().getScheme()).isEqualTo("ws");
      assertThat(
              ClientCalls.blockingUnary(
                  plain,
                  ConformanceService.ECHO,
                  CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
                  "plain"))
          .isEqualTo("plain");
      plain.shutdownNow();
      assertThat(plain.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }
}
