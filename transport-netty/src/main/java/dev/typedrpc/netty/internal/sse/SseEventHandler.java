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
import java.util.Arrays;
import java.util.Base64;

/**
 * Parses the {@code text/event-stream} of an SSE session: the {@code session} event, then one frame
 * per event as base64 in a {@code data:} line. Lines are bounded by the largest frame's base64
 * length; they are read as bytes and a frame is decoded from them as they are. Stateful: one per
 * channel.
 */
final class SseEventHandler extends ChannelInboundHandlerAdapter {
  /** What a line array starts with; it grows (doubling) up to {@link #maxLine}. */
  private static final int FIRST_LINE_CAPACITY = 256;

  private static final byte[] EVENT_FIELD = "event:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_FIELD = "data:".getBytes(StandardCharsets.US_ASCII);

  private final SseUpSink sink;
  private final int maxLine;

  /**
   * The line being read, without its end and its {@code \r}s: {@link #lineLength} bytes. Bytes are
   * copied here in runs between line ends, not one by one.
   */
  private byte[] line = new byte[FIRST_LINE_CAPACITY];

  private int lineLength;
  private String event = "message";

  /**
   * The event's data line (the array a finished line was read into, swapped with {@link #line}
   * rather than copied): {@link #dataLength} bytes from {@link #dataStart}, or none while {@link
   * #hasData} is false.
   */
  private byte[] data = new byte[FIRST_LINE_CAPACITY];

  private int dataStart;
  private int dataLength;
  private boolean hasData;
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
      int from = bytes.readerIndex();
      int end = bytes.writerIndex();
      int newline = bytes.indexOf(from, end, (byte) '\n');
      int stop = newline < 0 ? end : newline;
      append(bytes, from, stop - from);
      if (newline < 0) {
        bytes.readerIndex(end);
        return;
      }
      bytes.readerIndex(newline + 1);
      endLine();
    }
  }

  /**
   * Adds {@code n} bytes of {@code bytes} from {@code from} to the line, leaving out {@code \r}s.
   */
  private void append(ByteBuf bytes, int from, int n) throws IOException {
    if (bytes.indexOf(from, from + n, (byte) '\r') >= 0) {
      for (int i = from; i < from + n; i++) {
        byte b = bytes.getByte(i);
        if (b != '\r') {
          ensureLineRoom(1);
          line[lineLength++] = b;
        }
      }
      return;
    }
    ensureLineRoom(n);
    bytes.getBytes(from, line, lineLength, n);
    lineLength += n;
  }

  private void ensureLineRoom(int n) throws IOException {
    int needed = lineLength + n;
    if (needed > maxLine) {
      throw new IOException("SSE line longer than " + maxLine + " characters");
    }
    if (needed > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLine, Math.max(needed, 2 * line.length)));
    }
  }

  private void endLine() throws IOException {
    int n = lineLength;
    lineLength = 0;
    if (n == 0) {
      dispatch();
    } else if (startsWith(line, n, EVENT_FIELD)) {
      event =
          new String(line, EVENT_FIELD.length, n - EVENT_FIELD.length, StandardCharsets.ISO_8859_1)
              .strip();
    } else if (startsWith(line, n, DATA_FIELD)) {
      if (hasData) {
        throw new IOException("an SSE event of this transport has one data line");
      }
      int start = DATA_FIELD.length;
      int stop = n;
      while (start < stop && isWhitespace(line[start])) {
        start++;
      }
      while (stop > start && isWhitespace(line[stop - 1])) {
        stop--;
      }
      // the line's array becomes the data's, and the data's old one takes the next line
      byte[] full = line;
      line = data;
      data = full;
      dataStart = start;
      dataLength = stop - start;
      hasData = true;
    }
    // comments (":...") and other fields are ignored, as the SSE specification says
  }

  private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
    return length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** As {@link String#strip()} judges the character with this code (ISO 8859-1). */
  private static boolean isWhitespace(byte b) {
    return Character.isWhitespace((char) (b & 0xff));
  }

  private void dispatch() {
    String name = event;
    event = "message";
    if (!hasData) {
      return;
    }
    hasData = false;
    if (name.equals("session")) {
      sink.onSession(new String(data, dataStart, dataLength, StandardCharsets.ISO_8859_1));
    } else {
      // decoded from the line's bytes as they are: no string of them is made
      sink.onFrame(Base64.getDecoder().decode(ByteBuffer.wrap(data, dataStart, dataLength)));
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
