package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.spi.TransportSettings;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.logging.LogLevel;

/** HTTP/2 flow-control windows and limits shared by the gRPC client and server. */
public final class H2Limits {
  /**
   * Bytes a peer may send on one stream before the reader consumes them: what one slow call can
   * hold buffered. HTTP/2's default.
   */
  public static final int STREAM_WINDOW = 65_535;

  /** Bytes a peer may send on the whole connection before readers consume them. */
  static final int CONNECTION_WINDOW = 4 << 20;

  /**
   * Response (server) or request (client) messages a stream accepts from the application ahead of
   * the network: {@code demand()} while the stream is writable.
   */
  public static final int SEND_WINDOW = 32;

  /**
   * Bytes of a stream's messages that may wait for the socket before its demand drops to 0
   * (gRPC-Java's {@code onReady} threshold): enough to fill a write, little enough that a stream
   * does not queue its window.
   */
  static final int SEND_BUFFER = 32 << 10;

  /**
   * Bytes one stream may write in its turn when several streams share what the connection can send
   * now (gRPC-Java's allocation quantum). Netty's default, 1 KiB, cut every message above it in two
   * DATA frames as soon as 64 streams competed for the channel's 64 KiB: the receiver then copied
   * each 1 KiB message back together.
   */
  static final int ALLOCATION_CHUNK = 16 << 10;

  /**
   * The flow controller for what one end sends: its streams share the connection's window evenly
   * (Netty's default distributor, weighted by priority, keeps some 90 B per stream for weights
   * nobody sends), in turns of {@link #ALLOCATION_CHUNK}.
   */
  static DefaultHttp2RemoteFlowController sendFlowController(Http2Connection connection) {
    UniformStreamByteDistributor distributor = new UniformStreamByteDistributor(connection);
    distributor.minAllocationChunk(ALLOCATION_CHUNK);
    return new DefaultHttp2RemoteFlowController(connection, distributor);
  }

  /**
   * System property {@code dev.typedrpc.netty.logHttp2Frames=true}: every HTTP/2 frame is logged at
   * INFO.
   */
  static final boolean LOG_FRAMES = Boolean.getBoolean("dev.typedrpc.netty.logHttp2Frames");

  /**
   * Control frames (PING and SETTINGS acks, RST_STREAM) queued for a peer that does not read them
   * before the connection is closed: Netty's guard against PING and SETTINGS floods, its default.
   */
  static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

  /** DATA frames without payload and without END_STREAM in a row before the connection closes. */
  static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

  /**
   * CONTINUATION frames shorter than 8 KiB (except the last) one header block may take before the
   * connection closes: the guard against CONTINUATION floods.
   */
  static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

  private H2Limits() {}

  static Http2FrameLogger frameLogger() {
    return new Http2FrameLogger(LogLevel.INFO, "dev.typedrpc.netty.http2");
  }

  /** Room for the metadata limit plus the headers the protocol itself needs. */
  static long maxHeaderListSize(TransportSettings settings) {
    return Math.max(8192L, settings.maxMetadataSize() + 1024L);
  }

  /**
   * Grows the connection-level receive window from HTTP/2's 64 KiB so that many streams can flow at
   * once.
   */
  static void widenConnectionWindow(Http2Connection connection) throws Http2Exception {
    Http2LocalFlowController flow = connection.local().flowController();
    int delta = CONNECTION_WINDOW - flow.windowSize(connection.connectionStream());
    if (delta > 0) {
      flow.incrementWindowSize(connection.connectionStream(), delta);
    }
  }
}
