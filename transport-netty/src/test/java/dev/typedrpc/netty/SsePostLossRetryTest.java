package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.DrainService;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SSE client whose POST is lost takes no new calls on that connection, and a call whose
 * CALL_START was still queued behind the lost POST fails as never processed and is retried on a new
 * connection. The server is a script on plain sockets: on its first session it holds the first POST
 * that carries a CALL_START until the test releases it, then closes that POST's connection without
 * an answer; later sessions answer every call with "ok".
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SsePostLossRetryTest {
  private final ServerSocket listener;
  private final AtomicInteger sessions = new AtomicInteger();
  private final Map<Integer, OutputStream> eventStreams = new ConcurrentHashMap<>();
  private final Map<Integer, List<Integer>> callStarts = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> firstCallPosted = new CompletableFuture<>();
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread script;

  SsePostLossRetryTest() throws IOException {
    listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    script = new Thread(this::acceptAll, "sse-script");
    script.setDaemon(true);
    script.start();
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
    script.join(5_000);
  }

  @Test
  void aNewCallAfterALostPostGoesToANewConnection() throws Exception {
    RpcChannel channel = connect();
    try {
      CompletableFuture<String> unused =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      firstCallPosted.get(10, TimeUnit.SECONDS);
      release.complete(null);
      Thread.sleep(300); // the client has seen the POST connection close
      CompletableFuture<String> next =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
      assertThat(sessions.get()).isEqualTo(2);
      assertThat(callStarts.get(2)).hasSize(1);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aCallQueuedBehindALostPostIsRetriedOnANewConnection() throws Exception {
    RpcChannel channel = connect();
    try {
      CompletableFuture<String> unused =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      firstCallPosted.get(10, TimeUnit.SECONDS);
      CompletableFuture<String> queued =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      Thread.sleep(300); // its CALL_START waits behind the POST the server holds
      release.complete(null);
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
      assertThat(callStarts.get(1)).as("CALL_STARTs the first session saw").hasSize(1);
      assertThat(callStarts.get(2)).hasSize(1);
    } finally {
      channel.shutdownNow();
    }
  }

  private RpcChannel connect() {
    return RpcChannel.connect(
        URI.create("sse://127.0.0.1:" + listener.getLocalPort() + "/rpc"), ChannelOptions.DEFAULT);
  }

  // ---------------------------------------------------------------- the scripted server

  private void acceptAll() {
    while (true) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      Thread t = new Thread(() -> serve(s), "sse-script-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String head = ScriptedSse.readHead(in);
      if (head.startsWith("GET ")) {
        int session = sessions.incrementAndGet();
        callStarts.put(session, new CopyOnWriteArrayList<>());
        OutputStream out = socket.getOutputStream();
        String answer = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n";
        synchronized (out) {
          out.write(
              (answer + "transfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          ScriptedSse.chunk(out, "event: session\ndata: s" + session + "\n\n");
          ScriptedSse.event(out, RawFrames.settings(false));
        }
        eventStreams.put(session, out);
        in.read(); // until the client closes the event stream
        return;
      }
      while (true) {
        String uri = head.split(" ")[1];
        int session = Integer.parseInt(uri.substring(uri.lastIndexOf("/s") + 2));
        ByteBuffer body = ByteBuffer.wrap(in.readNBytes(ScriptedSse.contentLength(head)));
        List<Integer> started = new ArrayList<>();
        while (body.hasRemaining()) {
          byte[] frame = new byte[body.getInt()];
          body.get(frame);
          RawFrames.Frame f = RawFrames.parse(frame);
          if (f.type() == 0x02) { // CALL_START
            started.add(f.stream());
            callStarts.get(session).add(f.stream());
          }
        }
        if (session == 1 && !started.isEmpty()) {
          firstCallPosted.complete(null);
          release.get(20, TimeUnit.SECONDS);
          return; // closed without an answer
        }
        socket
            .getOutputStream()
            .write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = eventStreams.get(session);
        for (int id : started) {
          synchronized (out) {
            ScriptedSse.event(out, RawFrames.message(id, 0, RawFrames.string("ok")));
            ScriptedSse.event(out, RawFrames.statusOk(id));
          }
        }
        head = ScriptedSse.readHead(in);
      }
    } catch (Exception e) {
      // the client closed the connection, or the test ended
    }
  }
}
