package dev.typedrpc.it.obstacles;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relays raw bytes both ways, and closes both sides of a connection once it has carried its byte
 * budget (both directions counted together): a network that drops connections in the middle of
 * whatever they carry. New connections get {@link #budgetForNewConnections}; {@link
 * #cutOpenConnectionsAfter} gives every open one a fresh, smaller budget, so a test can let a
 * connection come up, start a call, and then have the connection die under it. Thread-safe.
 */
public final class CutAfterBytesProxy extends LoopbackProxy {
  private static final AttributeKey<ConnectionBudget> BUDGET = AttributeKey.valueOf("cut-budget");

  private final AtomicLong budgetForNewConnections;
  private final AtomicInteger cuts = new AtomicInteger();

  private CutAfterBytesProxy(InetSocketAddress upstream, long bytesPerConnection) {
    super(upstream);
    this.budgetForNewConnections = new AtomicLong(bytesPerConnection);
  }

  /**
   * Starts a proxy whose connections each close after {@code bytesPerConnection} ({@code
   * Long.MAX_VALUE}: never).
   */
  public static CutAfterBytesProxy start(InetSocketAddress upstream, long bytesPerConnection)
      throws InterruptedException {
    CutAfterBytesProxy proxy = new CutAfterBytesProxy(upstream, bytesPerConnection);
    proxy.bind();
    return proxy;
  }

  @Override
  void initClient(Channel client) {
    ConnectionBudget budget = new ConnectionBudget(budgetForNewConnections.get());
    client.attr(BUDGET).set(budget);
    client.pipeline().addLast(new RawRelay(upstream, budget, c -> {}));
  }

  /** Budget of connections accepted from now on. */
  public void budgetForNewConnections(long bytes) {
    budgetForNewConnections.set(bytes);
  }

  /**
   * Every connection open now closes after {@code bytes} more bytes. Returns how many connections
   * that armed.
   */
  public int cutOpenConnectionsAfter(long bytes) {
    int armed = 0;
    for (Channel c : clients()) {
      ConnectionBudget budget = c.attr(BUDGET).get();
      if (budget != null) {
        budget.remaining.set(bytes);
        armed++;
      }
    }
    return armed;
  }

  /** Connections this proxy cut so far. */
  public int cuts() {
    return cuts.get();
  }

  private final class ConnectionBudget implements RawRelay.Budget {
    final AtomicLong remaining;
    private boolean counted; // guarded by this

    ConnectionBudget(long bytes) {
      this.remaining = new AtomicLong(bytes);
    }

    @Override
    public long take(long wanted) {
      while (true) {
        long left = remaining.get();
        if (left == Long.MAX_VALUE) {
          return wanted;
        }
        long allowed = Math.min(left, wanted);
        if (remaining.compareAndSet(left, left - allowed)) {
          if (left - allowed == 0) {
            countCut();
          }
          return allowed;
        }
      }
    }

    @Override
    public boolean spent() {
      return remaining.get() == 0;
    }

    private synchronized void countCut() {
      if (!counted) {
        counted = true;
        cuts.incrementAndGet();
      }
    }
  }
}
