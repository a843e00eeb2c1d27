package dev.typedrpc.netty.internal.tls;

import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.File;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS for transport addresses: the query parameters that configure it and the Netty {@link
 * SslContext}s built from them (HTTP/2's cipher suites, which TLS 1.3 and the ECDHE-GCM suites of
 * TLS 1.2 satisfy).
 *
 * <ul>
 *   <li>Server ({@code ws://} or {@code wss://} listen address): {@code tls-cert} (PEM certificate
 *       chain, the server's first) and {@code tls-key} (PEM PKCS#8 private key, unencrypted). ALPN
 *       offers {@code h2} and {@code http/1.1}. Mutual TLS: {@code tls-client-auth} ({@code
 *       require} or {@code optional}) asks clients for a certificate, verified against {@code
 *       tls-client-trust} (PEM file of the CAs that issue client certificates; required with it).
 *   <li>Client ({@code wss://}, {@code sses://}, {@code h2://}): {@code tls-trust} (PEM file of the
 *       certificates to trust instead of the JDK's default trust store) and {@code tls-authority}
 *       (the host name the server's certificate must match, and the SNI name, instead of the
 *       address's host). Host names are always verified. For mutual TLS, {@code tls-cert} and
 *       {@code tls-key}: the client's own certificate chain and key, sent when the server asks.
 *   <li>Both: {@code tls-provider} ({@code jdk} or {@code openssl}), the TLS implementation. By
 *       default OpenSSL (BoringSSL, from {@code io.netty:netty-tcnative-boringssl-static}) when it
 *       is on the class path and loads, otherwise the JDK's; {@code openssl} fails if it is not
 *       available.
 * </ul>
 *
 * Thread-safe; contexts are immutable and shared by the connections of one transport.
 */
public final class Tls {
  static final String CERT = "tls-cert";
  static final String KEY = "tls-key";
  static final String TRUST = "tls-trust";
  static final String AUTHORITY = "tls-authority";
  static final String CLIENT_AUTH = "tls-client-auth";
  static final String CLIENT_TRUST = "tls-client-trust";
  static final String PROVIDER = "tls-provider";

  public static final Set<String> SERVER_PARAMETERS =
      Set.of(CERT, KEY, CLIENT_AUTH, CLIENT_TRUST, PROVIDER);
  public static final Set<String> CLIENT_PARAMETERS = Set.of(TRUST, AUTHORITY, CERT, KEY, PROVIDER);

  private Tls() {}

  /**
   * The server context the parameters describe, or null if they name no certificate.
   *
   * @param required whether the address's scheme ({@code wss}) demands TLS
   * @throws IllegalArgumentException if only one of the files is named, or they cannot be read
   */
  public static SslContext server(Map<String, String> params, boolean required, URI address) {
    String cert = params.get(CERT);
    String key = params.get(KEY);
    if (cert == null && key == null) {
      if (params.containsKey(PROVIDER)) {
        throw new IllegalArgumentException(
            PROVIDER + " needs a certificate: ?" + CERT + "=...&" + KEY + "=..., " + address);
      }
      if (required) {
        throw new IllegalArgumentException(
            "a wss:// listen address needs a certificate: ?"
                + CERT
                + "=/path/cert.pem&"
                + KEY
                + "=/path/key.pem, "
                + address);
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          "a TLS server needs both " + CERT + " and " + KEY + ": " + address);
    }
    ClientAuth clientAuth = clientAuth(params, address);
    SslProvider provider = TlsProvider.of(params.get(PROVIDER), address);
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(file(CERT, cert), file(KEY, key))
              .sslProvider(provider)
              .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
              .applicationProtocolConfig(
                  alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
              .clientAuth(clientAuth);
      if (clientAuth != ClientAuth.NONE) {
        builder.trustManager(file(CLIENT_TRUST, params.get(CLIENT_TRUST)));
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use "
              + cert
              + " and "
              + key
              + " as the server's TLS certificate and key: "
              + e.getMessage(),
          e);
    }
  }

  /** Whether the server asks clients for a certificate ({@code tls-client-auth}). */
  private static ClientAuth clientAuth(Map<String, String> params, URI address) {
    String mode = params.get(CLIENT_AUTH);
    String trust = params.get(CLIENT_TRUST);
    if (mode == null) {
      if (trust != null) {
        throw new IllegalArgumentException(
            CLIENT_TRUST + " needs " + CLIENT_AUTH + "=require or optional: " + address);
      }
      return ClientAuth.NONE;
    }
    ClientAuth auth =
        switch (mode) {
          case "require" -> ClientAuth.REQUIRE;
          case "optional" -> ClientAuth.OPTIONAL;
          default ->
              throw new IllegalArgumentException(
                  CLIENT_AUTH + " is require or optional, was '" + mode + "': " + address);
        };
    if (trust == null) {
      throw new IllegalArgumentException(
          CLIENT_AUTH
              + " needs "
              + CLIENT_TRUST
              + "=/path/ca.pem, the CAs that issue client certificates: "
              + address);
    }
    return auth;
  }

  /**
   * The client TLS settings the parameters describe.
   *
   * @param protocol the one ALPN protocol offered: {@code h2} or {@code http/1.1}
   */
  public static Client client(Map<String, String> params, String protocol, URI target) {
    String trust = params.get(TRUST);
    String authority = params.get(AUTHORITY);
    String cert = params.get(CERT);
    String key = params.get(KEY);
    if (authority != null && authority.isEmpty()) {
      throw new IllegalArgumentException(AUTHORITY + " is empty: " + target);
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs both " + CERT + " and " + KEY + ": " + target);
    }
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(TlsProvider.of(params.get(PROVIDER), target))
            .endpointIdentificationAlgorithm("HTTPS") // host name verification
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(alpn(protocol));
    try {
      if (trust != null) {
        builder.trustManager(file(TRUST, trust));
      }
      if (cert != null) {
        builder.keyManager(file(CERT, cert), file(KEY, key));
      }
      return new Client(builder.build(), authority, protocol);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS for "
              + target
              + (trust == null ? "" : " trusting " + trust)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static ApplicationProtocolConfig alpn(String... protocols) {
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        // the only failure behaviours both providers support: a peer without ALPN gets no
        // protocol
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        protocols);
  }

  private static File file(String parameter, String path) {
    File f = new File(path);
    if (!f.isFile() || !f.canRead()) {
      throw new IllegalArgumentException(parameter + " names no readable file: " + path);
    }
    return f;
  }

  /**
   * A client failure, with a TLS failure spelled out: which server, and what went wrong. Other
   * causes come back unchanged; a failure already named ({@link TlsFailure}) too.
   */
  public static Throwable describe(Throwable cause, String peer) {
    Throwable t =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (t instanceof TlsFailure) {
      return t;
    } else if (t instanceof SSLHandshakeException) {
      return TlsFailure.of(t, peer, peer, "", 0);
    } else if (t instanceof SSLException) {
      return new SSLException(
          "TLS with " + peer + " failed: " + TlsFailure.alert(String.valueOf(t.getMessage())), t);
    }
    return cause;
  }

  /**
   * If the client channel's TLS handshake has not completed yet, its timeout named as a {@link
   * TlsFailure}; otherwise {@code otherwise}.
   */
  public static Throwable pendingHandshake(Channel ch, Throwable otherwise) {
    ClientHandshakeGuard guard = ch == null ? null : ch.pipeline().get(ClientHandshakeGuard.class);
    return guard == null || !guard.pending() ? otherwise : guard.timedOut();
  }

  /** The ALPN protocol the client offered was not chosen. */
  public static TlsFailure alpnNotAgreed(String peer, String protocol, String chosen) {
    return TlsFailure.alpn(peer, protocol, chosen);
  }

  /**
   * A client's TLS settings.
   *
   * @param context the client context (trust, ALPN protocol)
   * @param authority the host name to verify and send as SNI, or null for the address's host
   * @param protocol the ALPN protocol offered
   */
  public record Client(SslContext context, String authority, String protocol) {
    /**
     * Adds the TLS handler for a connection to {@code host:port} (it starts the handshake when the
     * channel is active) and, behind it, the guard that names handshake failures ({@link
     * TlsFailure}).
     */
    public void addTo(ChannelPipeline p, String host, int port, TransportSettings settings) {
      String name = authority != null ? authority : unbracket(host);
      long timeout = Math.max(1, settings.connectTimeout().toMillis());
      SslHandler handler = context.newHandler(p.channel().alloc(), name, port);
      handler.setHandshakeTimeoutMillis(timeout);
      p.addLast("tls", handler);
      p.addLast(
          "tls-failures", new ClientHandshakeGuard(host + ":" + port, name, protocol, timeout));
    }

    private static String unbracket(String host) {
      return host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1)
          : host;
    }
  }
}
