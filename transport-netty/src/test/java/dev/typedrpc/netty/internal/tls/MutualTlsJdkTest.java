package dev.typedrpc.netty.internal.tls;

/**
 * {@link MutualTlsTest} with the JDK's TLS provider ({@code tls-provider=jdk}) on every TLS end.
 */
class MutualTlsJdkTest extends MutualTlsTest {
  @Override
  protected String provider() {
    return "jdk";
  }
}
