package dev.typedrpc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import dev.typedrpc.testing.ConformanceService;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes fed to the frame protocol engine exactly as a transport feeds it ({@link
 * FrameConnection#onFrame}, {@link FrameConnection#onReadComplete}, {@link
 * FrameConnection#onClosed}), at the server end (a real {@link ServerImpl} running the conformance
 * service) and at the client end (with a unary, a server-streaming and a bidi call open). Expected:
 * the engine answers every input with frames, a stream error (STATUS / CANCEL) or a connection
 * error (GOAWAY with a description, then close). A bug is anything else: an exception out of the
 * engine, an internal error it caught itself ({@code "internal error: ..."} in its GOAWAY), a
 * malformed frame written, a buffer from {@link FrameSink#allocate} not handed back, a write after
 * close, or a client call closed twice or never.
 *
 * <p>Input: byte 0 chooses the end and the transport's habits ({@link Input}); then frames, each as
 * {@code [varint length][frame]} (a length past the end takes what is left). Seeds: {@code
 * FrameDecoderFuzzTestInputs/frames/}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameDecoderFuzzTest {
  /** Small limits, so that short inputs reach the size checks. */
  static final TransportSettings SETTINGS =
      new TransportSettings(4096, 1024, 256, 4, java.time.Duration.ofSeconds(10), 8);

  /** Frames fed per input at most: bounds the work one input causes. */
  private static final int MAX_FRAMES = 256;

  @FuzzTest(maxDuration = "5m")
  void frames(byte[] data) {
    Input input = new Input(data);
    FuzzSink sink = new FuzzSink();
    List<ClientCall> calls = new ArrayList<>();
    FrameConnection conn;
    if (input.client) {
      conn = FrameConnection.client(sink, SETTINGS, new NoopClientListener());
      calls.add(ClientCall.start(conn, ConformanceService.ECHO, "hi", true));
      calls.add(ClientCall.start(conn, ConformanceService.COUNT, "3", true));
      calls.add(ClientCall.start(conn, ConformanceService.CHAT, "a", false));
    } else {
      conn =
          FrameConnection.server(
              sink,
              SETTINGS,
              new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run));
    }
    sink.writable = !input.unwritable;
    conn.onOpen();
    sink.runTasks();
    for (int i = 0; i < MAX_FRAMES && input.hasFrame(); i++) {
      conn.onFrame(input.nextFrame());
      if (input.readCompletePerFrame) {
        conn.onReadComplete();
      }
      sink.runTasks();
    }
    conn.onReadComplete();
    if (input.unwritable) {
      sink.writable = true;
      conn.onWritabilityChanged();
    }
    sink.runTasks();
    sink.closedByPeer = true;
    conn.onClosed(null);
    sink.runTasks();

    sink.check();
    for (ClientCall call : calls) {
      assertThat(call.closes).as("onClose calls of %s", call.method).isEqualTo(1);
    }
  }

  /** The fuzzer's bytes: a mode byte, then length-prefixed frames. */
  static final class Input {
    final boolean client;

    /** The transport calls onReadComplete after each frame (Netty does, per read). */
    final boolean readCompletePerFrame;

    /** The outbound buffer is above its high-water mark until the input ends. */
    final boolean unwritable;

    private final ByteBuffer rest;

    Input(byte[] data) {
      int mode = data.length == 0 ? 0 : data[0];
      client = (mode & 1) != 0;
      readCompletePerFrame = (mode & 2) != 0;
      unwritable = (mode & 4) != 0;
      rest = ByteBuffer.wrap(data, Math.min(1, data.length), Math.max(0, data.length - 1));
    }

    boolean hasFrame() {
      return rest.hasRemaining();
    }

    /** The next frame as a buffer of its own (the engine may read past nothing but the frame). */
    ByteBuffer nextFrame() {
      int length = 0;
      for (int shift = 0; shift < 28 && rest.hasRemaining(); shift += 7) {
        byte b = rest.get();
        length |= (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
      }
      length = Math.min(length, rest.remaining());
      byte[] frame = new byte[length];
      rest.get(frame);
      return ByteBuffer.wrap(frame).asReadOnlyBuffer();
    }
  }

  /** One client call, counting what its listener hears. */
  static final class ClientCall implements ClientStreamListener {
    final String method;
    int closes;

    private ClientCall(String method) {
      this.method = method;
    }

    static <Q> ClientCall start(
        FrameConnection conn,
        dev.typedrpc.MethodDescriptor<Q, ?> method,
        Q request,
        boolean halfClose) {
      ClientCall call = new ClientCall(method.fullName());
      ClientStream stream = conn.newStream(method, Metadata.EMPTY, null, call);
      stream.request(2);
      stream.writeMessage(request);
      if (halfClose) {
        stream.halfClose();
      }
      return call;
    }

    @Override
    public void onHeaders(Metadata headers) {
      assertThat(closes).as("headers after close").isZero();
    }

    @Override
    public void onMessage(Object message) {
      assertThat(closes).as("message after close").isZero();
    }

    @Override
    public void onReady() {}

    @Override
    public void onClose(Status status, Metadata trailers) {
      closes++;
      assertThat(String.valueOf(status.description()))
          .as("status of %s", method)
          .doesNotStartWith("internal error");
    }
  }

  private static final class NoopClientListener implements ClientTransport.Listener {
    @Override
    public void transportReady() {}

    @Override
    public void transportShutdown(Status reason) {}

    @Override
    public void transportTerminated() {}
  }
}
