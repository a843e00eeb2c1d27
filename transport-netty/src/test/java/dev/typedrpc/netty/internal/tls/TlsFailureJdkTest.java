package dev.typedrpc.netty.internal.tls;

/**
 * {@link TlsFailureTest} with the JDK's TLS provider ({@code tls-provider=jdk}) on every TLS end.
 */
class TlsFailureJdkTest extends TlsFailureTest {
  @Override
  protected String provider() {
    return "jdk";
  }
}
