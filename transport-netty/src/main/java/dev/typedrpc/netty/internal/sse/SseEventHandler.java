package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.netty.internal.EndpointPath;
import dev.typedrpc.netty.internal.NamedFailure;
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

  /** The answer to the SSE request was not an event stream: what it said, and its text body. */
  private StringBuilder refusal;

  private StringBuilder refusalBody;

  /** Most characters of a refusal's body quoted in the failure. */
  private static final int MAX_REFUSAL_TEXT = 256;

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
        if (response.status().code() == HttpResponseStatus.NOT_FOUND.code()) {
          // a wrong path: named as every transport names it
          sink.fail(
              EndpointPath.refused(
                  sink.target().authority(), sink.target().path(), response.status().toString()));
          return;
        }
        if (!response.status().equals(HttpResponseStatus.OK)
            || !type.startsWith("text/event-stream")) {
          // the failure is reported with the start of the body (a refusal says why in it)
          refusal = new StringBuilder("the server answered the SSE request with ");
          refusal.append(response.status()).append(' ').append(type);
          refusalBody = type.startsWith("text/plain") ? new StringBuilder() : null;
        } else {
          accepted = true;
        }
      }
      if (msg instanceof HttpContent content && refusal != null) {
        readRefusal(content);
      } else if (msg instanceof HttpContent content && accepted) {
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

  /** Keeps the start of a refusal's text body; fails the connection at its end. */
  private void readRefusal(HttpContent content) {
    if (refusalBody != null) {
      ByteBuf bytes = content.content();
      int n = Math.min(bytes.readableBytes(), MAX_REFUSAL_TEXT - refusalBody.length());
      for (int i = 0; i < n; i++) {
        int c = bytes.getByte(bytes.readerIndex() + i) & 0xff;
        refusalBody.append(c >= 0x20 && c < 0x7f ? (char) c : ' ');
      }
    }
    if (content instanceof LastHttpContent) {
      failRefused();
    }
  }

  private void failRefused() {
    if (refusalBody != null && !refusalBody.toString().isBlank()) {
      refusal.append(": ").append(refusalBody.toString().strip());
    }
    sink.fail(new NamedFailure(refusal.toString()));
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
    if (refusal != null) {
      failRefused(); // (the first failure counts: a body read to its end already failed)
    }
    sink.fail(null);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    sink.fail(cause);
  }
}
