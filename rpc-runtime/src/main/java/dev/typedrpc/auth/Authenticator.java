package dev.typedrpc.auth;

import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Establishes who makes a call from its credentials: the {@code authorization} request metadata (a
 * bearer token, an API key), or the client certificate of a mutual-TLS connection ({@link
 * RpcContext#peerCertificates()}). Installed on a server with {@link Authentication#required} or
 * {@link Authentication#optional}. Runs on the server's executor for every call, before the
 * implementation; it may block (e.g. to ask an identity provider), and should cache what it can.
 *
 * <pre>{@code
 * Authenticator tokens = Authenticator.bearer(token -> users.byToken(token)); // null: invalid
 * Authenticator auth = Authenticator.clientCertificate(Authenticator::commonName).orElse(tokens);
 * }</pre>
 */
@FunctionalInterface
public interface Authenticator {
  /** The request metadata key of credentials, as in HTTP and gRPC. */
  String AUTHORIZATION = "authorization";

  /**
   * The principal {@code call}'s credentials identify.
   *
   * @return the principal, or null if the call carries no credentials this authenticator reads
   * @throws RpcException {@link Status.Code#UNAUTHENTICATED} if it carries credentials that are not
   *     valid (its description is sent to the client: never echo the credentials)
   */
  Principal authenticate(RpcContext call);

  /** This authenticator, then {@code next} for a call it finds no credentials in. */
  default Authenticator orElse(Authenticator next) {
    Objects.requireNonNull(next, "next");
    return call -> {
      Principal p = authenticate(call);
      return p != null ? p : next.authenticate(call);
    };
  }

  /**
   * Credentials of the HTTP authentication {@code scheme} in the {@code authorization} metadata
   * ({@code authorization: <scheme> <credentials>}, the scheme matched without regard to case):
   * {@code credentials} maps them to a principal, or to null if they are not valid, which fails the
   * call with {@code UNAUTHENTICATED}. A call without {@code authorization}, or with another
   * scheme, is not this authenticator's.
   */
  static Authenticator scheme(String scheme, Function<String, Principal> credentials) {
    Objects.requireNonNull(credentials, "credentials");
    String prefix = scheme.toLowerCase(Locale.ROOT) + " ";
    return call -> {
      String value = call.headers().get(AUTHORIZATION);
      if (value == null
          || value.length() <= prefix.length()
          || !value.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
        return null;
      }
      Principal p = credentials.apply(value.substring(prefix.length()).trim());
      if (p == null) {
        throw new RpcException(
            Status.UNAUTHENTICATED.withDescription("invalid " + scheme + " credentials"));
      }
      return p;
    };
  }

  /** Bearer tokens ({@code authorization: Bearer <token>}, RFC 6750); see {@link #scheme}. */
  static Authenticator bearer(Function<String, Principal> tokens) {
    return scheme("Bearer", tokens);
  }

  /**
   * The client certificate of a mutual-TLS connection, which the transport has verified against the
   * listen address's {@code tls-client-trust}: {@code certificates} maps it to a principal, or to
   * null to refuse it ({@code UNAUTHENTICATED}). A call without one is not this authenticator's.
   */
  static Authenticator clientCertificate(Function<X509Certificate, Principal> certificates) {
    Objects.requireNonNull(certificates, "certificates");
    return call -> {
      List<X509Certificate> chain = call.peerCertificates();
      if (chain.isEmpty()) {
        return null;
      }
      Principal p = certificates.apply(chain.get(0));
      if (p == null) {
        throw new RpcException(
            Status.UNAUTHENTICATED.withDescription("client certificate not accepted"));
      }
      return p;
    };
  }

  /**
   * A principal named after the certificate's subject common name ({@code CN}), or its first DNS
   * subject alternative name if it has none; no roles. For {@link #clientCertificate}.
   */
  static Principal commonName(X509Certificate certificate) {
    String name = dev.typedrpc.auth.internal.CertificateNames.of(certificate);
    return name == null ? null : Principal.of(name);
  }
}
