package dev.typedrpc.netty;

import dev.typedrpc.netty.internal.AddressQuery;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.grpc.GrpcCompression;
import dev.typedrpc.netty.internal.grpc.H2ClientTransport;
import dev.typedrpc.netty.internal.grpc.H2cTarget;
import dev.typedrpc.netty.internal.server.NettyServerTransport;
import dev.typedrpc.netty.internal.sse.SseClientTransport;
import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.netty.internal.ws.NettyClientTransport;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.MessageEncoding;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The typedrpc frame protocol over WebSocket binary messages and over Server-Sent Events + POST,
 * and gRPC's protocol over HTTP/2, on Netty, each in cleartext or over TLS.
 *
 * <p><b>Servers.</b> A server listens at {@code ws://host:port/path} (path default {@code /rpc};
 * port 0 picks a free port) and serves all three on that port, telling them apart by each
 * connection's first bytes and requests: WebSocket upgrades on the path, SSE on {@code <path>/sse},
 * HTTP/2 by its connection preface. Query parameters:
 *
 * <ul>
 *   <li>{@code grpc-compression=gzip}: gzip responses (every protocol) for clients that accept
 *       gzip, unless the request asked for identity or the implementation chose otherwise ({@code
 *       RpcContext.setCompression}); see {@code docs/COMPRESSION.md};
 *   <li>{@code tls-cert=/path/cert.pem&tls-key=/path/key.pem} (PEM certificate chain and PKCS#8
 *       private key): the same port also accepts TLS. A connection that starts with a TLS
 *       ClientHello gets a TLS handshake; ALPN {@code h2} then leads to gRPC over HTTP/2, {@code
 *       http/1.1} or no ALPN to WebSocket and SSE. Cleartext connections keep working. Without
 *       these parameters a ClientHello closes its connection.
 * </ul>
 *
 * A {@code wss://host:port/path?tls-cert=...&tls-key=...} listen address is the same, but requires
 * the certificate (and {@code RpcServer.address()} then says {@code wss:}).
 *
 * <p><b>Clients.</b>
 *
 * <ul>
 *   <li>{@code ws://host:port/path}: WebSocket; {@code wss://host:port/path}: WebSocket over TLS;
 *   <li>{@code sse://host:port/path}: Server-Sent Events + POST, for networks that pass nothing but
 *       plain HTTP/1.1 requests; {@code sses://host:port/path}: the same over TLS (https);
 *   <li>{@code h2c://host:port}: gRPC over cleartext HTTP/2 with prior knowledge, to a typedrpc or
 *       any gRPC server; {@code h2://host:port}: gRPC over TLS with ALPN {@code h2}; both take
 *       {@code ?grpc-compression=gzip} to compress requests, and a path ({@code
 *       h2c://host:port/rpc}) names a typedrpc server's endpoint, checked once per connection.
 * </ul>
 *
 * <p>{@code ws}, {@code wss}, {@code sse} and {@code sses} targets take {@code
 * ?message-encoding=json}: every message of the connection then travels as its proto3 JSON, for
 * debugging, if the server agrees in its SETTINGS (every typedrpc server does; an older one keeps
 * binary). See {@code MessageEncoding}.
 *
 * <p>A path that is not the server's endpoint fails the connection on every transport alike: {@code
 * UNAVAILABLE} with "no typedrpc endpoint at /path on host:port (it answered HTTP 404 Not Found)".
 *
 * <p>TLS clients ({@code wss}, {@code sses}, {@code h2}) trust the JDK's default trust store and
 * verify the server's host name, unless the address says {@code tls-trust=/path/ca.pem} (PEM
 * certificates to trust instead) or {@code tls-authority=name} (the name the certificate must
 * match, also sent as SNI; the connection still goes to the address's host). A handshake that fails
 * ends the connection's calls with {@code UNAVAILABLE} naming the TLS failure. Default ports: 80 in
 * cleartext, 443 over TLS. Thread-safe and stateless.
 */
public final class NettyTransportProvider implements TransportProvider {
  private static final Set<String> TLS_CLIENT_SCHEMES = Set.of("wss", "sses", H2cTarget.TLS_SCHEME);

  /** Called by {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("ws", "wss", "sse", "sses", H2cTarget.SCHEME, H2cTarget.TLS_SCHEME);
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (target == null) {
      throw new IllegalArgumentException(
          "a target address is required, e.g. ws://127.0.0.1:7070/rpc");
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = TLS_CLIENT_SCHEMES.contains(scheme);
    boolean grpc = scheme.equals(H2cTarget.SCHEME) || scheme.equals(H2cTarget.TLS_SCHEME);
    Set<String> allowed = new HashSet<>();
    if (grpc) {
      allowed.add(GrpcCompression.PARAMETER);
    }
    if (tls) {
      allowed.addAll(Tls.CLIENT_PARAMETERS);
    }
    if (!grpc) {
      allowed.add(MessageEncoding.PARAMETER);
    }
    Map<String, String> params = AddressQuery.parse(target, allowed);
    URI plain = AddressQuery.withoutQuery(target);
    Tls.Client client =
        tls
            ? Tls.client(
                params,
                grpc ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1,
                target)
            : null;
    if (grpc) {
      return new H2ClientTransport(
          H2cTarget.parse(plain, GrpcCompression.parse(params, target), client), settings);
    }
    WsEndpoint endpoint = WsEndpoint.parse(plain);
    boolean json = MessageEncoding.wantsJson(params.get(MessageEncoding.PARAMETER));
    return scheme.startsWith("sse")
        ? new SseClientTransport(endpoint, client, settings, json)
        : new NettyClientTransport(endpoint, client, settings, json);
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (address == null) {
      throw new IllegalArgumentException(
          "a listen address is required, e.g. ws://0.0.0.0:7070/rpc");
    }
    String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals(H2cTarget.SCHEME) || scheme.equals(H2cTarget.TLS_SCHEME)) {
      throw new IllegalArgumentException(
          "listen on a ws:// address (e.g. ws://0.0.0.0:7070/rpc): the same port also serves gRPC over h2c, and"
              + " over TLS with ?tls-cert=...&tls-key=...");
    }
    Set<String> allowed = new HashSet<>(Tls.SERVER_PARAMETERS);
    allowed.add(GrpcCompression.PARAMETER);
    Map<String, String> params = AddressQuery.parse(address, allowed);
    boolean gzip = GrpcCompression.parse(params, address);
    SslContext tls = Tls.server(params, scheme.equals("wss") || scheme.equals("sses"), address);
    return new NettyServerTransport(
        WsEndpoint.parse(AddressQuery.withoutQuery(address)), settings, gzip, tls);
  }
}
