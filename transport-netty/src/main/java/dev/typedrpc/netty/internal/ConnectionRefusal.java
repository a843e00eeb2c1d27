package dev.typedrpc.netty.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Marks a server connection accepted beyond a connection limit: it is answered with the refusal
 * (HTTP/1.1: {@code 503}; HTTP/2: {@code GOAWAY REFUSED_STREAM}) once its protocol is known, then
 * closed. Set on the acceptor's thread before the connection is registered; read on its event loop.
 */
public final class ConnectionRefusal {
  private static final AttributeKey<String> REASON =
      AttributeKey.valueOf(ConnectionRefusal.class, "reason");

  private ConnectionRefusal() {}

  /** Marks {@code channel} as refused, for {@code reason} (e.g. "too many connections ..."). */
  public static void mark(Channel channel, String reason) {
    channel.attr(REASON).set(reason);
  }

  /** Why {@code channel} is refused, or null if it was admitted. */
  public static String reason(Channel channel) {
    return channel.attr(REASON).get();
  }
}
