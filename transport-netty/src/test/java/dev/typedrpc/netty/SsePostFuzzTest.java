package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arbitrary bytes as the body of an SSE transport POST ({@code POST <path>/sse/<session>}: frames,
 * each after its 4-byte length), sent through the real server pipeline ({@link WsPipelines#server})
 * on {@link io.netty.channel.embedded.EmbeddedChannel}s to a session opened by a real {@code GET
 * <path>/sse}, with the frame engine and a server running the conformance service behind it.
 *
 * <p>Expected: the POST is answered 204 (frames delivered) or 400 (malformed body: the session
 * ends) or 413 (too large), the event stream carries only frames, and a GOAWAY never reports an
 * internal error. A bug is anything else: an exception reaching the end of either pipeline, another
 * response, or a buffer never released (counted per input by the channels' allocator; the paranoid
 * leak detector backs it up).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SsePostFuzzTest {
  private static final TransportSettings SETTINGS =
      new TransportSettings(4096, 1024, 256, 4, java.time.Duration.ofSeconds(10), 8);
  private static final Pattern SESSION =
      Pattern.compile("event: session\ndata: ([A-Za-z0-9_-]+)\n");
  private static final Pattern DATA =
      Pattern.compile("^data: ([A-Za-z0-9+/=]*)$", Pattern.MULTILINE);
  private static final byte GOAWAY = 0x0D;
  private static final byte BATCH = 0x0E;

  @FuzzTest(maxDuration = "5m")
  void postBody(byte[] body) throws Exception {
    PooledByteBufAllocator alloc = FuzzChannels.ALLOC;
    long liveBefore = FuzzChannels.liveBuffers();
    ServerImpl server =
        new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run);
    SseServer sse = new SseServer(SETTINGS, server);
    FuzzChannels.TcpLikeChannel events = new FuzzChannels.TcpLikeChannel(alloc);
    FuzzChannels.TcpLikeChannel post = new FuzzChannels.TcpLikeChannel(alloc);
    try {
      WsPipelines.server(events.pipeline(), "/rpc", SETTINGS, server, sse);
      WsPipelines.server(post.pipeline(), "/rpc", SETTINGS, server, sse);
      events.writeInbound(
          ascii(alloc, "GET /rpc/sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"));
      StringBuilder stream = new StringBuilder(events.drainText());
      Matcher session = SESSION.matcher(stream);
      assertThat(session.find()).as("session event in %s", stream).isTrue();

      ByteBuf request =
          ascii(
              alloc,
              "POST /rpc/sse/"
                  + session.group(1)
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream"
                  + "\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n");
      post.writeInbound(request.writeBytes(body));
      events.runPendingTasks(); // the body is handed to the session's event loop
      post.runPendingTasks();
      events.runPendingTasks();

      String response = post.drainText();
      assertThat(response).as("response to the POST").matches("(?s)HTTP/1\\.1 (204|400|413) .*");
      stream.append(events.drainText());
      checkFrames(stream.substring(session.end()));
      events.checkException();
      post.checkException();
    } finally {
      post.finishAndReleaseAll();
      events.finishAndReleaseAll();
    }
    FuzzChannels.assertNoNewLiveBuffers(liveBefore);
  }

  private static ByteBuf ascii(PooledByteBufAllocator alloc, String s) {
    ByteBuf buf = alloc.buffer(s.length());
    buf.writeCharSequence(s, StandardCharsets.US_ASCII);
    return buf;
  }

  /** Every event after the session's is a frame in base64; a GOAWAY never reports a bug. */
  private static void checkFrames(String events) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    Matcher data = DATA.matcher(events);
    while (data.find()) {
      frames.add(Base64.getDecoder().decode(data.group(1)));
    }
    for (byte[] frame : frames) {
      checkFrame(CodedInputStream.newInstance(frame), frame.length, false);
    }
  }

  /** One frame of {@code length} bytes at the position of {@code in}; a BATCH's frames too. */
  private static void checkFrame(CodedInputStream in, int length, boolean inBatch)
      throws IOException {
    assertThat(length).as("frame length").isGreaterThanOrEqualTo(3);
    int end = in.getTotalBytesRead() + length;
    byte type = in.readRawByte();
    assertThat(in.readRawByte()).as("frame flags").isBetween((byte) 0, (byte) 3);
    in.readRawVarint32(); // stream id
    int limit = in.pushLimit(end - in.getTotalBytesRead());
    if (type == BATCH) {
      assertThat(inBatch).as("BATCH in a BATCH").isFalse();
      while (!in.isAtEnd()) {
        checkFrame(in, in.readRawVarint32(), true);
      }
    } else if (type == GOAWAY) {
      assertThat(goAwayMessage(in)).as("GOAWAY of a bug").doesNotStartWith("internal error");
    } else {
      in.skipRawBytes(in.getBytesUntilLimit());
    }
    in.popLimit(limit);
  }

  private static String goAwayMessage(CodedInputStream in) throws IOException {
    String message = "";
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) == 3) {
        message = in.readStringRequireUtf8();
      } else {
        in.skipField(tag);
      }
    }
    return message;
  }
}
