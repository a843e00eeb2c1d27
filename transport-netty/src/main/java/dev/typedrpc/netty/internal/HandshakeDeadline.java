package dev.typedrpc.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound on a server connection's whole handshake, from accept until its protocol is running:
 * the client's SETTINGS arrived (WebSocket, SSE, HTTP/2), or its first SSE POST was accepted. A
 * connection that sends nothing, part of a request, an upgrade and then no SETTINGS, or part of the
 * HTTP/2 preface is closed when the bound passes, whatever step it stalls in (each step's own
 * timer, if any, runs within it). Confined to the channel's event loop.
 */
public final class HandshakeDeadline {
  private static final Logger log = LoggerFactory.getLogger(HandshakeDeadline.class);

  private static final AttributeKey<ScheduledFuture<?>> TIMER =
      AttributeKey.valueOf(HandshakeDeadline.class, "timer");

  private HandshakeDeadline() {}

  /** Closes {@code channel} {@code millis} from now unless {@link #complete} is called first. */
  public static void start(Channel channel, long millis) {
    ScheduledFuture<?> timer =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (channel.attr(TIMER).getAndSet(null) != null) {
                    log.debug(
                        "closing the connection from {}: no handshake within {} ms"
                            + " (connectTimeout)",
                        channel.remoteAddress(),
                        millis);
                    ChannelFuture unused = channel.close();
                  }
                },
                millis,
                TimeUnit.MILLISECONDS);
    channel.attr(TIMER).set(timer);
    channel.closeFuture().addListener(closed -> complete(channel)); // the timer lets it go
  }

  /** The handshake of {@code channel} is done: it is no longer closed for taking too long. */
  public static void complete(Channel channel) {
    ScheduledFuture<?> timer = channel.attr(TIMER).getAndSet(null);
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
