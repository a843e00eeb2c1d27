package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.netty.internal.EndpointPath;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses the {@code text/event-stream} of an SSE session: the {@code session} event, then one frame
 * per event as base64 in a {@code data:} line. Lines are bounded by the largest frame's base64
 * length. Stateful: one per channel.
 */
final class SseEventHandler extends ChannelInboundHandlerAdapter {
  private final SseUpSink sink;
  private final int maxLine;
  private final StringBuilder line = new StringBuilder();
  private String event = "message";
  private String data;
  private boolean accepted;

  SseEventHandler(SseUpSink sink, TransportSettings settings) {
    this.sink = sink;
    int maxFrame = settings.maxFrameSize() + WsPipelines.FRAME_HEADER_ALLOWANCE;
    this.maxLine = 4 * ((maxFrame + 2) / 3) + 64;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpResponse response) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (response.status().code() >= 400) {
          // a wrong path (404) or a refusal: named as every transport names it
          sink.fail(
              EndpointPath.refused(
                  sink.target().authority(), sink.target().path(), response.status().toString()));
          return;
        }
        if (!response.status().equals(HttpResponseStatus.OK)
            || !type.startsWith("text/event-stream")) {
          sink.fail(
              new IOException(
                  "the server answered the SSE request with " + response.status() + " " + type));
          return;
        }
        accepted = true;
      }
      if (msg instanceof HttpContent content && accepted) {
        read(content.content());
        if (content instanceof LastHttpContent) {
          sink.fail(null); // the server ended the stream
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      sink.fail(e);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void read(ByteBuf bytes) throws IOException {
    while (bytes.isReadable()) {
      char c = (char) (bytes.readByte() & 0xff);
      if (c == '\n') {
        endLine();
      } else if (c != '\r') {
        if (line.length() >= maxLine) {
          throw new IOException("SSE line longer than " + maxLine + " characters");
        }
        line.append(c);
      }
    }
  }

  private void endLine() throws IOException {
    String l = line.toString();
    line.setLength(0);
    if (l.isEmpty()) {
      dispatch();
    } else if (l.startsWith("event:")) {
      event = l.substring(6).strip();
    } else if (l.startsWith("data:")) {
      if (data != null) {
        throw new IOException("an SSE event of this transport has one data line");
      }
      data = l.substring(5).strip();
    }
    // comments (":...") and other fields are ignored, as the SSE specification says
  }

  private void dispatch() {
    String name = event;
    String payload = data;
    event = "message";
    data = null;
    if (payload == null) {
      return;
    }
    if (name.equals("session")) {
      sink.onSession(payload);
    } else {
      sink.onFrame(
          ByteBuffer.wrap(Base64.getDecoder().decode(payload.getBytes(StandardCharsets.US_ASCII))));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      sink.fail(tls.cause()); // before the close that follows, which would not say why
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    sink.fail(null);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    sink.fail(cause);
  }
}
