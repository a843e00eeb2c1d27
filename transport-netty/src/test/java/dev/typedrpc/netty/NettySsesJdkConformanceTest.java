package dev.typedrpc.netty;

import java.net.URI;

/**
 * {@link NettySsesConformanceTest} with the JDK's TLS provider on both ends ({@code
 * tls-provider=jdk}); the base class runs with the default, OpenSSL, which the tests' class path
 * has ({@code dev.typedrpc.netty.internal.tls.TlsProviderTest}).
 */
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
