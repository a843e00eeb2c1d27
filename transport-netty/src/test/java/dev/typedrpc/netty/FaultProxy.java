package dev.typedrpc.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A TCP relay on 127.0.0.1 to a target port that injects faults, chosen at random from a seed. Each
 * connection it accepts gets a plan: an impairment for its whole life ({@link Fault#DELAY} before
 * each chunk, a {@link Fault#BANDWIDTH} limit, or none) and, at a random moment, one fault that
 * ends it: {@link Fault#DROP} (FIN both ways), {@link Fault#RESET} (RST both ways), {@link
 * Fault#TRUNCATE} (one direction passes a few more bytes, then both close, mid-frame as likely as
 * not), {@link Fault#BLACK_HOLE} (every byte dropped, nothing closed, until a reset some seconds
 * later, as when a dead route's NAT entry expires) or {@link Fault#HALF_CLOSE} (one direction ends
 * with a FIN, the other flows on). Plans are drawn in accept order from one {@link Random}, so a
 * seed replays the same sequence of plans, though which connection gets which depends on timing.
 * Blocking sockets, two threads per connection; {@link #close()} ends them all.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault {
    DELAY,
    BANDWIDTH,
    DROP,
    RESET,
    TRUNCATE,
    BLACK_HOLE,
    HALF_CLOSE
  }

  private static final Fault[] IMPAIRMENTS = {null, Fault.DELAY, Fault.BANDWIDTH};
  private static final Fault[] ENDINGS = {
    Fault.DROP, Fault.RESET, Fault.TRUNCATE, Fault.BLACK_HOLE, Fault.HALF_CLOSE
  };

  private final ServerSocket listener;
  private final int target;
  private final Random random;
  private final int maxOnsetMillis;
  private final ScheduledExecutorService timer;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
  private final AtomicLong accepted = new AtomicLong();
  private final Thread acceptor;

  /**
   * @param maxOnsetMillis the latest moment, after a connection is accepted, of the fault that ends
   *     it
   */
  FaultProxy(int target, long seed, int maxOnsetMillis) throws IOException {
    this.target = target;
    this.random = new Random(seed);
    this.maxOnsetMillis = maxOnsetMillis;
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicLong());
    }
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fault-proxy-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = start(this::acceptLoop, "fault-proxy-accept");
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Faults injected so far, by kind (impairments when their connection opened). */
  Map<Fault, Long> injected() {
    Map<Fault, Long> counts = new EnumMap<>(Fault.class);
    injected.forEach((f, c) -> counts.put(f, c.get()));
    return counts;
  }

  /** Resets every open connection now (RST both ways), whatever its plan. */
  void resetAll() {
    for (Link link : links) {
      link.close(true);
    }
  }

  long connectionsAccepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
        Link link = new Link(client, server);
        links.add(link);
        plan(link);
        start(() -> link.pump(0), "fault-proxy-pump");
        start(() -> link.pump(1), "fault-proxy-pump");
      } catch (IOException e) {
        close(client);
      }
    }
  }

  /** Draws the link's impairment and its ending fault with its moment. */
  private void plan(Link link) {
    Fault impairment;
    Fault ending;
    int onset;
    int param;
    int direction;
    synchronized (random) {
      impairment = IMPAIRMENTS[random.nextInt(IMPAIRMENTS.length)];
      ending = ENDINGS[random.nextInt(ENDINGS.length)];
      onset = random.nextInt(maxOnsetMillis);
      param = random.nextInt(1 << 16);
      direction = random.nextInt(2);
    }
    if (impairment == Fault.DELAY) {
      link.delayMillis = 5 + param % 150;
    } else if (impairment == Fault.BANDWIDTH) {
      link.bytesPerSecond = 4096 + param % (60 * 1024);
    }
    if (impairment != null) {
      injected.get(impairment).incrementAndGet();
    }
    ScheduledFuture<?> unused =
        timer.schedule(() -> end(link, ending, param, direction), onset, TimeUnit.MILLISECONDS);
  }

  private void end(Link link, Fault fault, int param, int direction) {
    if (link.closed) {
      return;
    }
    injected.get(fault).incrementAndGet();
    switch (fault) {
      case DROP -> link.close(false);
      case RESET -> link.close(true);
      case TRUNCATE -> link.truncate(direction, param % 300);
      case BLACK_HOLE -> {
        link.blackHole = true;
        ScheduledFuture<?> unused =
            timer.schedule(() -> link.close(true), 2000 + param % 8000, TimeUnit.MILLISECONDS);
      }
      case HALF_CLOSE -> link.halfClose(direction);
      default -> throw new AssertionError(fault);
    }
  }

  private Thread start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  /** Closes every connection and ends every thread of the proxy (waits up to 10 s for each). */
  @Override
  public void close() {
    close(listener);
    timer.shutdownNow();
    for (Link link : links) {
      link.close(false);
    }
    try {
      acceptor.join(10_000);
      for (Thread t : threads) {
        t.join(10_000);
      }
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** One relayed connection: direction 0 is client to server, 1 is server to client. */
  private static final class Link {
    private final Socket[] from;
    private final Socket[] to;
    volatile int delayMillis;
    volatile int bytesPerSecond;
    volatile boolean blackHole;
    volatile boolean closed;

    /** Bytes a direction may still pass before the link closes; -1 for no limit. */
    private final AtomicLongArray budget = new AtomicLongArray(new long[] {-1, -1});

    /** Directions that no longer pass anything (half-closed). */
    private final boolean[] stopped = new boolean[2];

    private final AtomicInteger ended = new AtomicInteger();

    Link(Socket client, Socket server) {
      this.from = new Socket[] {client, server};
      this.to = new Socket[] {server, client};
    }

    void pump(int dir) {
      byte[] buf = new byte[16 * 1024];
      try {
        // never closed by itself: closing a socket's stream closes the socket, both directions
        InputStream in = from[dir].getInputStream();
        OutputStream out = to[dir].getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (!relay(dir, out, buf, n)) {
            return;
          }
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      } finally {
        // the source ended: pass its FIN on; once both directions ended, let the sockets go
        shutdownOutput(to[dir]);
        if (ended.incrementAndGet() == 2) {
          close(false);
        }
      }
    }

    /** Relays one chunk under the link's faults; false once the link is done. */
    private boolean relay(int dir, OutputStream out, byte[] buf, int n)
        throws IOException, InterruptedException {
      synchronized (stopped) {
        if (blackHole || stopped[dir]) {
          return true; // read and dropped
        }
      }
      int delay = delayMillis;
      if (delay > 0) {
        Thread.sleep(delay);
      }
      long left = budget.get(dir);
      int len = left < 0 ? n : (int) Math.min(n, left);
      write(out, buf, len);
      if (left >= 0 && budget.addAndGet(dir, -len) <= 0) {
        close(false);
        return false;
      }
      return true;
    }

    /** Writes, at most {@link #bytesPerSecond} if set (in slices of a twentieth of a second). */
    private void write(OutputStream out, byte[] buf, int len)
        throws IOException, InterruptedException {
      int rate = bytesPerSecond;
      if (rate <= 0) {
        out.write(buf, 0, len);
        return;
      }
      int slice = Math.max(1, rate / 20);
      for (int off = 0; off < len; off += slice) {
        out.write(buf, off, Math.min(slice, len - off));
        out.flush();
        Thread.sleep(50);
      }
    }

    void truncate(int dir, int bytes) {
      if (bytes == 0) {
        close(false);
      } else {
        budget.set(dir, bytes);
      }
    }

    /** Direction {@code dir} ends: its receiver gets a FIN, its sender's bytes are dropped. */
    void halfClose(int dir) {
      synchronized (stopped) {
        stopped[dir] = true;
      }
      shutdownOutput(to[dir]);
    }

    void close(boolean reset) {
      closed = true;
      for (Socket s : from) {
        if (reset) {
          try {
            s.setSoLinger(true, 0);
          } catch (IOException e) {
            // already closed
          }
        }
        FaultProxy.close(s);
      }
    }

    private static void shutdownOutput(Socket s) {
      try {
        s.shutdownOutput();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
