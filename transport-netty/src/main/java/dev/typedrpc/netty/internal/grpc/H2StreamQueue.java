package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls that wait for a free HTTP/2 stream: the server's {@code MAX_CONCURRENT_STREAMS} are all in
 * use. As in gRPC-Java, such a call waits instead of failing; it starts, in order, when a stream
 * closes or the server raises its limit. The queue holds only live calls: a call cancelled or past
 * its deadline leaves it ({@link #remove}), so it is bounded by the calls' own lifetime; when the
 * connection shuts down, the calls still waiting were never sent and are refused (retried
 * elsewhere). Event loop only.
 */
final class H2StreamQueue {
  private final Set<H2ClientStream> waiting = new LinkedHashSet<>();
  private boolean drainScheduled;

  void add(H2ClientStream s) {
    waiting.add(s);
  }

  void remove(H2ClientStream s) {
    waiting.remove(s);
  }

  int size() {
    return waiting.size();
  }

  /**
   * A stream closed or the limit changed: starts waiting calls while streams are free, in a task of
   * its own (never inside HTTP/2's own stream bookkeeping).
   */
  void drainSoon(ChannelHandlerContext ctx, Http2Connection connection) {
    if (waiting.isEmpty() || drainScheduled) {
      return;
    }
    drainScheduled = true;
    ctx.executor()
        .execute(
            () -> {
              drainScheduled = false;
              while (!waiting.isEmpty() && connection.local().canOpenStream()) {
                H2ClientStream next = waiting.iterator().next();
                waiting.remove(next);
                next.begin(ctx);
              }
            });
  }

  /** The connection takes no new streams: every waiting call is refused, never having been sent. */
  void refuseAll(Status reason) {
    List<H2ClientStream> refused = new ArrayList<>(waiting);
    waiting.clear();
    for (H2ClientStream s : refused) {
      s.refuse(reason);
    }
  }
}
