package dev.typedrpc.netty;

import dev.typedrpc.netty.internal.grpc.H2Limits;
import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared conformance suite over gRPC over TLS ({@code h2://}, ALPN h2), against a server whose
 * one port takes TLS and cleartext alike; the client trusts the test CA and verifies the
 * certificate's host name. With leak checks.
 */
@ExtendWith(LeakCheck.class)
class NettyH2TlsConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return TestCerts.tlsListenUri();
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create("h2://" + serverAddress.getRawAuthority() + "?" + TestCerts.trustQuery());
  }

  /** As over h2c ({@link NettyH2ConformanceTest}): HTTP/2 windows, not message credit. */
  @Override
  protected long serverStreamingLookahead() {
    return H2Limits.STREAM_WINDOW / 12 + H2Limits.SEND_WINDOW + 1;
  }

  /**
   * gRPC over HTTP/2 does not carry the connect-time service exchange yet (see docs/ROADMAP.md).
   */
  @Override
  protected boolean announcesServices() {
    return false;
  }
}
