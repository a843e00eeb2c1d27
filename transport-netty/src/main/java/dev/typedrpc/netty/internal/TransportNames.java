package dev.typedrpc.netty.internal;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

/** The URI scheme a connection's transport answers to, for {@code RpcContext.transport()}. */
public final class TransportNames {
  private TransportNames() {}

  /**
   * {@code cleartext} ({@code ws}, {@code sse}, {@code h2c}), or its TLS form ({@code wss}, {@code
   * sses}, {@code h2}) when the channel runs over TLS.
   */
  public static String of(Channel channel, String cleartext) {
    if (channel == null || channel.pipeline().get(SslHandler.class) == null) {
      return cleartext;
    }
    return cleartext.equals("h2c") ? "h2" : cleartext + "s";
  }
}
