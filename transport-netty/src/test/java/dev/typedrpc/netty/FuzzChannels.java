package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What the transport fuzz targets share: channels that look like TCP, and an allocator that counts
 * live buffers.
 */
final class FuzzChannels {
  private FuzzChannels() {}

  /**
   * A pooled allocator without thread caches, so that every buffer it lent and did not get back
   * shows in its arenas' active allocations: a leak is found at the end of the input that caused
   * it, not when a GC happens. One for all inputs (each allocator holds chunks of memory until it
   * is collected).
   */
  @SuppressWarnings("deprecation") // the constructor that disables the caches
  static final PooledByteBufAllocator ALLOC =
      new PooledByteBufAllocator(false, 1, 1, 8192, 4, 0, 0, false);

  static long liveBuffers() {
    long n = 0;
    for (PoolArenaMetric arena : ALLOC.metric().heapArenas()) {
      n += arena.numActiveAllocations();
    }
    for (PoolArenaMetric arena : ALLOC.metric().directArenas()) {
      n += arena.numActiveAllocations();
    }
    return n;
  }

  /**
   * Fails if more buffers are live than {@code before} (what {@link #liveBuffers} said when the
   * input began).
   */
  static void assertNoNewLiveBuffers(long before) {
    assertThat(liveBuffers() - before).as("buffers allocated and never released").isZero();
  }

  /**
   * An {@link EmbeddedChannel} whose peer is a loopback socket address (the SSE server binds
   * sessions to it).
   */
  static final class TcpLikeChannel extends EmbeddedChannel {
    private static final SocketAddress PEER =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    TcpLikeChannel(ByteBufAllocator alloc) throws Exception {
      super(false, false);
      config().setAllocator(alloc);
      register();
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return PEER;
    }

    /** Everything written to the channel so far, as Latin-1 text; the buffers are released. */
    String drainText() {
      StringBuilder sb = new StringBuilder();
      for (Object o = readOutbound(); o != null; o = readOutbound()) {
        try {
          if (o instanceof ByteBuf b) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
          }
        } finally {
          ReferenceCountUtil.release(o);
        }
      }
      return sb.toString();
    }
  }
}
