package dev.typedrpc.netty.internal.tls;

/** {@link TlsTest} with the JDK's TLS provider ({@code tls-provider=jdk}) on every TLS end. */
class TlsJdkTest extends TlsTest {
  @Override
  protected String provider() {
    return "jdk";
  }
}
