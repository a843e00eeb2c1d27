package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.DrainService;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SSE client whose POST connection is lost while the event stream still carries the server's
 * answers: the event stream decides. A server that ends a session closes both connections, and the
 * client may see the POST connection close before it has read the last events, among them the
 * answers of calls the server ran; those calls succeed, they do not fail as if never run. A POST
 * connection lost while the event stream stays open still ends the connection, after a bounded
 * wait. The server is a script on plain sockets: it reads the client's POSTs and, once one carries
 * a CALL_START, closes that POST's connection without an answer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SsePostLossTest {
  private final ServerSocket listener;
  private final CompletableFuture<OutputStream> events = new CompletableFuture<>();
  private final CompletableFuture<Integer> callClosed = new CompletableFuture<>();
  private final Thread script;

  SsePostLossTest() throws IOException {
    listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    script = new Thread(this::serve, "sse-script");
    script.setDaemon(true);
    script.start();
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    script.join(5_000);
  }

  @Test
  void answersStillOnTheEventStreamFinishTheirCalls() throws Exception {
    RpcChannel channel = connect();
    try {
      CompletableFuture<String> call =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      int id = callClosed.get(10, TimeUnit.SECONDS);
      Thread.sleep(300); // the client has seen the POST connection close
      // the answer and the stream's end in one write: a client whose last call ends may close the
      // event stream at once, and a later write would fail
      ByteArrayOutputStream tail = new ByteArrayOutputStream();
      ScriptedSse.event(tail, RawFrames.message(id, 0, RawFrames.string("ran")));
      ScriptedSse.event(tail, RawFrames.statusOk(id));
      tail.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // the server ends the stream
      OutputStream out = events.get();
      out.write(tail.toByteArray());
      out.flush();
      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aLostPostConnectionEndsTheConnectionWhenTheEventStreamStaysOpen() throws Exception {
    RpcChannel channel = connect();
    try {
      CompletableFuture<String> call =
          ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "w");
      callClosed.get(10, TimeUnit.SECONDS);
      long closed = System.nanoTime();
      ExecutionException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
      Status status = ((RpcException) e.getCause()).status();
      assertThat(status.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.description()).contains("POST connection closed");
      assertThat(waited).as("ms until the call failed").isLessThan(8_000);
    } finally {
      channel.shutdownNow();
    }
  }

  private RpcChannel connect() {
    return RpcChannel.connect(
        URI.create("sse://127.0.0.1:" + listener.getLocalPort() + "/rpc"), ChannelOptions.DEFAULT);
  }

  // ---------------------------------------------------------------- the scripted server

  private void serve() {
    try (Socket stream = listener.accept()) {
      ScriptedSse.readHead(stream.getInputStream());
      OutputStream out = stream.getOutputStream();
      String head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n";
      out.write((head + "transfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      ScriptedSse.chunk(out, "event: session\ndata: s1\n\n");
      ScriptedSse.event(out, RawFrames.settings(false));
      events.complete(out);
      while (!callClosed.isDone()) {
        try (Socket posts = listener.accept()) {
          servePosts(posts);
        }
      }
      stream.getInputStream().read(); // until the client closes the event stream
    } catch (IOException e) {
      events.completeExceptionally(e);
      callClosed.completeExceptionally(e);
    }
  }

  /** Answers POSTs with 204 until one carries a CALL_START; returns leaving it unanswered. */
  private void servePosts(Socket posts) throws IOException {
    DataInputStream in = new DataInputStream(posts.getInputStream());
    while (true) {
      int length = ScriptedSse.contentLength(ScriptedSse.readHead(in));
      ByteBuffer body = ByteBuffer.wrap(in.readNBytes(length));
      while (body.hasRemaining()) {
        byte[] frame = new byte[body.getInt()];
        body.get(frame);
        RawFrames.Frame f = RawFrames.parse(frame);
        if (f.type() == 0x02) { // CALL_START
          callClosed.complete(f.stream());
        }
      }
      if (callClosed.isDone()) {
        return; // closed without an answer
      }
      posts
          .getOutputStream()
          .write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
