package dev.typedrpc.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 that, once told to {@link #refuseUpgrades()}, resets each new connection
 * whose first bytes ask for a WebSocket upgrade or open HTTP/2 with prior knowledge (as a proxy
 * that only passes plain HTTP/1.1 would), and passes the others (SSE's GET and POSTs); {@link
 * #cutAll()} resets every connection open now. Blocking sockets, two threads per connection.
 */
final class SwitchingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;

  SwitchingProxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::acceptLoop, "switching-proxy-accept");
  }

  int port() {
    return listener.getLocalPort();
  }

  void refuseUpgrades() {
    refusing = true;
  }

  void cutAll() {
    for (Socket s : sockets) {
      reset(s);
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        sockets.add(client);
        daemon(() -> relay(client), "switching-proxy-link");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    try {
      byte[] buf = new byte[16 * 1024];
      int n = client.getInputStream().read(buf);
      if (n < 0) {
        client.close();
        return;
      }
      String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      if (refusing && (head.startsWith("pri * http/2.0") || head.contains("upgrade: websocket"))) {
        reset(client);
        return;
      }
      Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
      sockets.add(server);
      server.getOutputStream().write(buf, 0, n);
      daemon(() -> pump(client, server), "switching-proxy-up");
      pump(server, client);
    } catch (IOException e) {
      reset(client);
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
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

  private static void daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cutAll();
  }
}
