package dev.typedrpc.netty;

import dev.typedrpc.netty.internal.ws.WsPipelines;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a WebSocket client against a server pipeline in an {@link EmbeddedChannel}: raw HTTP in,
 * the HTTP response as text, masked frames in and the server's frames decoded out. Everything runs
 * on the test thread.
 */
public final class EmbeddedWsPeer implements AutoCloseable {
  public static final String UPGRADE =
      """
      GET /rpc HTTP/1.1\r
      Host: 127.0.0.1\r
      Upgrade: websocket\r
      Connection: Upgrade\r
      Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
      Sec-WebSocket-Version: 13\r
      """;

  public final EmbeddedChannel server;
  private final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
  private final EmbeddedChannel decoder =
      new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));

  public EmbeddedWsPeer(EmbeddedChannel server) {
    this.server = server;
  }

  /** Sends raw bytes (e.g. an HTTP request) and returns the HTTP response head and body as text. */
  public String sendHttp(String request) {
    server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    server.runPendingTasks();
    ByteBuf out = drainOutbound();
    try {
      String text = out.toString(StandardCharsets.US_ASCII);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0 && text.startsWith("HTTP/1.1 101")) {
        out.skipBytes(end + 4); // the rest is WebSocket frames
        decoder.writeInbound(out.retain());
        return text.substring(0, end);
      }
      return text;
    } finally {
      out.release();
    }
  }

  /** Completes the handshake offering {@code typedrpc.v1} and returns the response head. */
  public String handshake() {
    return sendHttp(UPGRADE + "Sec-WebSocket-Protocol: " + WsPipelines.SUBPROTOCOL + "\r\n\r\n");
  }

  /** Sends one frame as a client would (masked). */
  public void send(WebSocketFrame frame) {
    encoder.writeOutbound(frame);
    for (ByteBuf b = encoder.readOutbound(); b != null; b = encoder.readOutbound()) {
      server.writeInbound(b);
    }
    server.runPendingTasks();
  }

  /** Every frame the server sent since the last call; the caller releases them. */
  public List<WebSocketFrame> received() {
    server.runPendingTasks();
    ByteBuf out = drainOutbound();
    if (out.isReadable()) {
      decoder.writeInbound(out);
    } else {
      out.release();
    }
    List<WebSocketFrame> frames = new ArrayList<>();
    for (WebSocketFrame f = decoder.readInbound(); f != null; f = decoder.readInbound()) {
      frames.add(f);
    }
    return frames;
  }

  private ByteBuf drainOutbound() {
    ByteBuf all = Unpooled.buffer();
    for (Object o = server.readOutbound(); o != null; o = server.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  @Override
  public void close() {
    received().forEach(WebSocketFrame::release);
    server.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
  }
}
