package dev.typedrpc.netty.internal.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The certificate chain a TLS client presented and the server verified (mutual TLS), read once per
 * connection from its {@link SslHandler} and kept on the channel. Empty for a cleartext connection,
 * a client that sent no certificate, or before the handshake completes.
 */
public final class PeerCertificates {
  private static final AttributeKey<List<X509Certificate>> KEY =
      AttributeKey.valueOf(PeerCertificates.class, "chain");

  private PeerCertificates() {}

  /** The verified chain of {@code channel}'s peer, its own certificate first; never null. */
  public static List<X509Certificate> of(Channel channel) {
    List<X509Certificate> chain = channel.attr(KEY).get();
    if (chain != null) {
      return chain;
    }
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return List.of(); // cleartext: nothing to keep (the answer cannot change)
    }
    if (!ssl.handshakeFuture().isSuccess()) {
      return List.of(); // not yet known: ask again later
    }
    chain = read(ssl);
    channel.attr(KEY).setIfAbsent(chain);
    return chain;
  }

  private static List<X509Certificate> read(SslHandler ssl) {
    Certificate[] certs;
    try {
      certs = ssl.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of(); // the client sent none (tls-client-auth=optional)
    }
    List<X509Certificate> chain = new ArrayList<>(certs.length);
    for (Certificate c : certs) {
      if (c instanceof X509Certificate x) {
        chain.add(x);
      }
    }
    return List.copyOf(chain);
  }
}
