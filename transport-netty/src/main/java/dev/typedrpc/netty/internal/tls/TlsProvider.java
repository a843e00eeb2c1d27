package dev.typedrpc.netty.internal.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;

/**
 * The TLS implementation an address asks for with {@code tls-provider}: {@code jdk} (the JDK's
 * {@code SSLEngine}) or {@code openssl} (BoringSSL through {@code netty-tcnative}, which the user
 * adds). Without the parameter, OpenSSL when it is available, as Netty and gRPC-Java choose.
 * Stateless.
 */
final class TlsProvider {
  /** The artifact that brings OpenSSL, named in the error when it is missing. */
  static final String ARTIFACT = "io.netty:netty-tcnative-boringssl-static";

  private TlsProvider() {}

  /**
   * The provider {@code value} names, or the default for null.
   *
   * @throws IllegalArgumentException for another value, or {@code openssl} when it is not available
   */
  static SslProvider of(String value, URI address) {
    if (value == null) {
      return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
    return switch (value) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalArgumentException(unavailable(OpenSsl.unavailabilityCause(), address));
        }
        yield SslProvider.OPENSSL;
      }
      default ->
          throw new IllegalArgumentException(
              Tls.PROVIDER + " is jdk or openssl, was '" + value + "': " + address);
    };
  }

  /** Why {@code tls-provider=openssl} cannot be used, and what to add. */
  static String unavailable(Throwable cause, URI address) {
    return Tls.PROVIDER
        + "=openssl needs OpenSSL: add "
        + ARTIFACT
        + " with this platform's classifier (e.g. linux-x86_64) at the version Netty's BOM names, or"
        + " use "
        + Tls.PROVIDER
        + "=jdk ("
        + (cause == null ? "not available" : String.valueOf(cause.getMessage()))
        + "): "
        + address;
  }
}
