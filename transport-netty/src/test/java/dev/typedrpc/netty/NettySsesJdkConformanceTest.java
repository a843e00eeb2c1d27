package dev.typedrpc.netty;

import java.net.URI;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link NettySsesConformanceTest} with the JDK's TLS provider on both ends ({@code
 * tls-provider=jdk}); the base class runs with the default, OpenSSL, which the tests' class path
 * has ({@code dev.typedrpc.netty.internal.tls.TlsProviderTest}).
 *
 * <p>With {@code -Ptls-providers} only: the default build runs the whole suite on the JDK's
 * provider for WebSocket ({@link NettyWssJdkConformanceTest}), and the TLS handshake, failure and
 * mutual-TLS tests on both providers.
 */
@EnabledIfSystemProperty(named = "typedrpc.tls.everyProvider", matches = "true")
class NettySsesJdkConformanceTest extends NettySsesConformanceTest {
  @Override
  protected URI listenUri() {
    return TestCerts.withProvider(super.listenUri(), "jdk");
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return TestCerts.withProvider(super.clientUri(serverAddress), "jdk");
  }
}
