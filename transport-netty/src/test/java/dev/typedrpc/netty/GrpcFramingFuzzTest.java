package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.netty.internal.grpc.H2ServerHandler;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arbitrary bytes as the body of a gRPC request (length-prefixed messages, compressed or not, in
 * DATA frames of a chosen size), sent by Netty's own HTTP/2 client codec to the real gRPC server
 * handler ({@link H2ServerHandler#create}) over a pair of {@link EmbeddedChannel}s, with a server
 * running the conformance service.
 *
 * <p>Input: byte 0 — bit 0 {@code grpc-encoding: gzip}, bit 1 {@code grpc-accept-encoding: gzip}
 * (the server then compresses its responses), bits 2–3 the method (Echo, Join, Chat, Bytes); byte 1
 * — the DATA frame size (0: one frame); the rest — the request body, which ends the stream.
 *
 * <p>Expected: the call ends with a {@code grpc-status} of OK, INVALID_ARGUMENT (a message that
 * does not decode), RESOURCE_EXHAUSTED (over the size limit, also after inflating) or INTERNAL (a
 * malformed prefix or gzip stream, a message cut off), and a second call on the same connection
 * then succeeds. A bug is anything else: an exception reaching the end of the pipeline, a GOAWAY, a
 * call that never ends, another status, or a buffer never released.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcFramingFuzzTest {
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT.withMaxMessageSize(1024);
  private static final List<String> METHODS =
      List.of(
          ConformanceService.ECHO.fullName(),
          ConformanceService.JOIN.fullName(),
          ConformanceService.CHAT.fullName(),
          ConformanceService.BYTES.fullName());
  private static final Set<String> EXPECTED_STATUS = Set.of("0", "3", "8", "13");

  @FuzzTest(maxDuration = "5m")
  void requestBody(byte[] input) throws Exception {
    int mode = input.length > 0 ? input[0] : 0;
    int chunk = input.length > 1 ? input[1] & 0xff : 0;
    byte[] body =
        input.length > 2 ? java.util.Arrays.copyOfRange(input, 2, input.length) : new byte[0];

    PooledByteBufAllocator alloc = FuzzChannels.ALLOC;
    long liveBefore = FuzzChannels.liveBuffers();
    ServerImpl server =
        new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run);
    Client client = new Client(alloc);
    EmbeddedChannel serverChannel = new FuzzChannels.TcpLikeChannel(alloc);
    try {
      serverChannel.pipeline().addLast(H2ServerHandler.create(SETTINGS, server, true, "/rpc"));
      client.serverChannel = serverChannel;
      client.shuttle();

      Response first =
          client.call(
              1, METHODS.get((mode >> 2) & 3), (mode & 1) != 0, (mode & 2) != 0, body, chunk);
      assertThat(first.status()).as("grpc-status of the call").isIn(EXPECTED_STATUS);

      byte[] ok = {0, 0, 0, 0, 4, 0x0a, 2, 'o', 'k'}; // Echo("ok"), uncompressed
      Response second = client.call(3, ConformanceService.ECHO.fullName(), false, false, ok, 0);
      assertThat(second.status()).as("grpc-status of a call after it").isEqualTo("0");
      assertThat(second.data.toByteArray()).as("response after it").isEqualTo(ok);
      assertThat(client.goAway).as("GOAWAY from the server").isFalse();
      serverChannel.checkException();
      client.channel.checkException();
    } finally {
      client.channel.finishAndReleaseAll();
      serverChannel.finishAndReleaseAll();
    }
    FuzzChannels.assertNoNewLiveBuffers(liveBefore);
  }

  /** What one stream received. */
  static final class Response {
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    Http2Headers last;
    boolean ended;

    String status() {
      assertThat(ended).as("the call ended").isTrue();
      CharSequence status = last == null ? null : last.get("grpc-status");
      return status == null ? "none" : status.toString();
    }
  }

  /**
   * Netty's HTTP/2 client codec on an EmbeddedChannel, wired to the server channel by {@link
   * #shuttle}.
   */
  static final class Client extends Http2FrameAdapter {
    final EmbeddedChannel channel;
    final Http2ConnectionHandler handler;
    final Map<Integer, Response> responses = new HashMap<>();
    EmbeddedChannel serverChannel;
    boolean goAway;

    Client(PooledByteBufAllocator alloc) throws Exception {
      channel = new FuzzChannels.TcpLikeChannel(alloc);
      handler = new Http2ConnectionHandlerBuilder().server(false).frameListener(this).build();
      channel.pipeline().addLast(handler);
    }

    Response call(int id, String method, boolean gzip, boolean acceptGzip, byte[] body, int chunk) {
      ChannelHandlerContext ctx = channel.pipeline().context(handler);
      Http2Headers headers =
          new DefaultHttp2Headers()
              .method("POST")
              .scheme("http")
              .authority("fuzz")
              .path("/" + method)
              .set("content-type", "application/grpc")
              .set("te", "trailers");
      if (gzip) {
        headers.set("grpc-encoding", "gzip");
      }
      if (acceptGzip) {
        headers.set("grpc-accept-encoding", "gzip");
      }
      Response response = new Response();
      responses.put(id, response);
      ChannelFuture unused =
          handler.encoder().writeHeaders(ctx, id, headers, 0, false, ctx.newPromise());
      int step = chunk == 0 ? Math.max(1, body.length) : chunk;
      int offset = 0;
      do {
        int n = Math.min(step, body.length - offset);
        ByteBuf data = channel.alloc().buffer(n).writeBytes(body, offset, n);
        offset += n;
        unused =
            handler.encoder().writeData(ctx, id, data, 0, offset == body.length, ctx.newPromise());
        channel.flush();
        shuttle();
      } while (offset < body.length);
      return response;
    }

    /** Moves bytes both ways until neither side has anything more to say. */
    void shuttle() {
      for (int round = 0; round < 1000; round++) {
        boolean moved = false;
        channel.runPendingTasks();
        for (Object b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
          serverChannel.writeInbound(b);
          moved = true;
        }
        serverChannel.runPendingTasks();
        for (Object b = serverChannel.readOutbound(); b != null; b = serverChannel.readOutbound()) {
          channel.writeInbound(b);
          moved = true;
        }
        if (!moved) {
          return;
        }
      }
      throw new AssertionError("the connection never goes quiet");
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
      int n = data.readableBytes();
      Response r = responses.get(streamId);
      if (r != null) {
        r.data.writeBytes(ByteBufUtil.getBytes(data));
        r.ended |= end;
      }
      return n + padding;
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end) {
      Response r = responses.get(streamId);
      if (r != null) {
        r.last = headers;
        r.ended |= end;
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean end) {
      onHeadersRead(ctx, streamId, headers, padding, end);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      Response r = responses.get(streamId);
      if (r != null && !r.ended) {
        r.ended = true; // a reset without a status: status() reports "none"
      }
    }

    @Override
    public void onGoAwayRead(
        ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      goAway = true;
    }
  }
}
