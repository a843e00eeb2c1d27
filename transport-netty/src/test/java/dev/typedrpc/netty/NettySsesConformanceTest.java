package dev.typedrpc.netty;

import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared conformance suite over Server-Sent Events + POST over TLS ({@code sses://}), against a
 * server whose one port takes TLS and cleartext alike, with leak checks.
 */
@ExtendWith(LeakCheck.class)
class NettySsesConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return TestCerts.tlsListenUri();
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create(
        "sses://"
            + serverAddress.getRawAuthority()
            + serverAddress.getRawPath()
            + "?"
            + TestCerts.trustQuery());
  }
}
