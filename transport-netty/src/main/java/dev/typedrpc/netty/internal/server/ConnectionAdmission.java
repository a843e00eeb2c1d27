package dev.typedrpc.netty.internal.server;

import dev.typedrpc.netty.internal.ConnectionRefusal;
import dev.typedrpc.spi.ServerLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the server channel: counts each accepted connection against the server's limits in total and
 * per client address ({@link ServerLimits}), giving its slot back when it closes. A connection
 * beyond a limit is still accepted, marked with a {@link ConnectionRefusal} that its pipeline
 * answers once it knows the protocol ({@code 503} or {@code GOAWAY}), so that the client learns
 * why; while {@link #MAX_PENDING_REFUSALS} refused connections wait for their answer, more are
 * closed at once without one. Stateful: one per server channel, on its (boss) loop.
 */
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {
  /**
   * Refused connections waiting for their answer at most; beyond it, they are closed unanswered.
   */
  static final int MAX_PENDING_REFUSALS = 1000;

  private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

  private final AddressSlots slots;
  private final int maxPendingRefusals;
  private final AtomicInteger refusing = new AtomicInteger();

  ConnectionAdmission(ServerLimits limits) {
    this(limits, MAX_PENDING_REFUSALS);
  }

  ConnectionAdmission(ServerLimits limits, int maxPendingRefusals) {
    this.slots = new AddressSlots(limits.maxConnections(), limits.maxConnectionsPerAddress());
    this.maxPendingRefusals = maxPendingRefusals;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      InetAddress address =
          child.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
      AddressSlots.Refusal refusal = slots.tryAcquire(address);
      if (refusal == null) {
        child.closeFuture().addListener(closed -> slots.release(address));
      } else if (refusing.incrementAndGet() > maxPendingRefusals) {
        refusing.decrementAndGet();
        log.debug("closing a connection from {} at once: {}", address, reason(refusal, address));
        child.unsafe().closeForcibly(); // not registered yet: nothing else holds it
        return;
      } else {
        String reason = reason(refusal, address);
        log.debug("refusing a connection from {}: {}", address, reason);
        ConnectionRefusal.mark(child, reason);
        child.closeFuture().addListener(closed -> refusing.decrementAndGet());
      }
    }
    ctx.fireChannelRead(msg);
  }

  private String reason(AddressSlots.Refusal refusal, InetAddress address) {
    return refusal == AddressSlots.Refusal.TOTAL
        ? "too many connections to this server (limit " + slots.max() + ")"
        : "too many connections from "
            + (address == null ? "this address" : address.getHostAddress())
            + " (limit "
            + slots.maxPerAddress()
            + " per address)";
  }
}
