package dev.typedrpc.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that resets each connection once it has carried a byte budget, both
 * directions counted together, drawn at random (from a seed) for each connection: the chunk read
 * that would pass the budget is dropped and both sides are reset. A chunk is what one read returns
 * (on loopback, mostly what the peer wrote at once), so a request or an answer in flight is lost
 * whole, in either direction: the server may or may not have run the call the client lost. Blocking
 * sockets, two threads per connection; {@link #close()} ends them all.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final Random random;
  private final int minBytes;
  private final int maxBytes;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Thread acceptor;

  /** Each connection is cut after a budget drawn uniformly from {@code [minBytes, maxBytes]}. */
  CuttingProxy(int target, long seed, int minBytes, int maxBytes) throws IOException {
    this.target = target;
    this.random = new Random(seed);
    this.minBytes = minBytes;
    this.maxBytes = maxBytes;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = daemon(this::acceptLoop, "cutting-proxy-accept");
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections cut so far. */
  int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        int budget;
        synchronized (random) {
          budget = minBytes + random.nextInt(maxBytes - minBytes + 1);
        }
        AtomicLong left = new AtomicLong(budget);
        daemon(() -> pump(client, server, client, left), "cutting-proxy-up");
        daemon(() -> pump(server, client, client, left), "cutting-proxy-down");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, Socket client, AtomicLong left) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (left.addAndGet(-n) < 0) {
          if (left.getAndSet(Long.MIN_VALUE / 2) > Long.MIN_VALUE / 4) {
            cuts.incrementAndGet(); // counted once per connection
          }
          reset(from);
          reset(to);
          return;
        }
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      reset(to);
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      reset(s);
    }
    acceptor.interrupt();
  }
}
