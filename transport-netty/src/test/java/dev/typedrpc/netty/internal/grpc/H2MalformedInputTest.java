package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw HTTP/2 frames, written by Netty's own HTTP/2 client codec, against the real server: malformed
 * gRPC input fails its stream with the status gRPC specifies, and the same connection keeps
 * serving.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class H2MalformedInputTest {
  private static final String ECHO = "/" + ConformanceService.ECHO.fullName();
  private static final String SLEEP = "/" + ConformanceService.SLEEP.fullName();

  /**
   * 100 concurrent streams: the cancel bound is its floor, 1,000 per 10 s, which a loaded machine
   * still reaches within one window (10,000 resets did not always: the window slid under them).
   */
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT.withMaxMessageSize(1024).withMaxConcurrentStreams(100);

  private RpcServer server;
  private EventLoopGroup group;
  private Channel connection;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .transportSettings(SETTINGS)
            .build()
            .start();
    group = IoGroups.newGroup(1, "raw-h2-client", true);
    connection =
        new Bootstrap()
            .group(group)
            .channel(IoGroups.socketChannelType())
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                    ch.pipeline()
                        .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", server.address().getPort())
            .sync()
            .channel();
  }

  @AfterEach
  void stop() throws Exception {
    connection.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void unknownCompressedFlagIsInternal() throws Exception {
    assertThat(call(grpcHeaders(ECHO), prefixed(2, "x".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("13");
    assertStillServing();
  }

  @Test
  void oversizedMessageIsResourceExhaustedBeforeItArrives() throws Exception {
    ByteBuf prefixOnly = Unpooled.buffer().writeByte(0).writeInt(5000);
    assertThat(call(grpcHeaders(ECHO), prefixOnly, false)).isEqualTo("8");
    assertStillServing();
  }

  @Test
  void compressedMessageWithoutEncodingIsInternal() throws Exception {
    assertThat(call(grpcHeaders(ECHO), prefixed(1, gzip(protoString("hi"))))).isEqualTo("13");
    assertStillServing();
  }

  @Test
  void gzipBombIsResourceExhausted() throws Exception {
    // 512 KiB of zeros in about 500 bytes of gzip: within the 1 KiB limit until inflated
    byte[] bomb = gzip(new byte[512 * 1024]);
    assertThat(bomb.length).isLessThan(1024);
    Http2Headers h = grpcHeaders(ECHO).set("grpc-encoding", "gzip");
    Recorded r = exchange(h, prefixed(1, bomb), true);
    assertThat(r.status()).isEqualTo("8");
    assertThat(r.last.headers().get("grpc-message").toString())
        .contains("decompressed message for")
        .contains("exceeds the limit of 1024 bytes");
    assertStillServing();
  }

  @Test
  void undecodableMessageIsInvalidArgument() throws Exception {
    assertThat(call(grpcHeaders(ECHO), prefixed(0, new byte[] {0x0a, 0x7f, 1}))).isEqualTo("3");
    assertStillServing();
  }

  @Test
  void messageCutOffByEndOfStreamIsInternal() throws Exception {
    ByteBuf cut = Unpooled.buffer().writeByte(0).writeInt(10).writeBytes(new byte[] {0x0a, 1, 'x'});
    assertThat(call(grpcHeaders(ECHO), cut)).isEqualTo("13");
    assertStillServing();
  }

  @Test
  void malformedTimeoutIsInternal() throws Exception {
    Http2Headers h = grpcHeaders(ECHO).set("grpc-timeout", "soon");
    assertThat(call(h, prefixed(0, protoString("x")))).isEqualTo("13");
    assertStillServing();
  }

  @Test
  void unsupportedEncodingIsUnimplemented() throws Exception {
    Http2Headers h = grpcHeaders(ECHO).set("grpc-encoding", "snappy");
    assertThat(call(h, prefixed(0, protoString("x")))).isEqualTo("12");
    assertStillServing();
  }

  @Test
  void unknownMethodIsUnimplementedTrailersOnly() throws Exception {
    Recorded r = exchange(grpcHeaders("/no.Such/Method"), prefixed(0, protoString("x")), true);
    assertThat(r.first.isEndStream()).as("trailers-only response").isTrue();
    assertThat(r.first.headers().get("grpc-status").toString()).isEqualTo("12");
    assertStillServing();
  }

  @Test
  void wrongContentTypeIsHttp415() throws Exception {
    // (application/json is Connect's: ConnectProtocolTest)
    Http2Headers h = grpcHeaders(ECHO).set("content-type", "text/plain");
    Recorded r = exchange(h, Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8), true);
    assertThat(r.first.headers().status().toString()).isEqualTo("415");
    assertStillServing();
  }

  @Test
  void gzipRequestIsAccepted() throws Exception {
    Http2Headers h = grpcHeaders(ECHO).set("grpc-encoding", "gzip");
    Recorded r = exchange(h, prefixed(1, gzip(protoString("zipped"))), true);
    assertThat(r.status()).isEqualTo("0");
    assertThat(r.body).isEqualTo(prefixedBytes(0, protoString("zipped")));
  }

  @Test
  void rapidResetBeyondTheBoundClosesTheConnection() throws Exception {
    int limit = SETTINGS.maxCancelsPerWindow();
    for (int i = 0; i < limit; i++) {
      startAndReset();
    }
    assertStillServing(); // up to the bound: a client that cancels much
    startAndReset();
    assertThat(connection.closeFuture().await(10, TimeUnit.SECONDS))
        .as("the server closes a connection resetting more than %d streams", limit)
        .isTrue();
  }

  private void startAndReset() throws InterruptedException {
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .handler(new ChannelInboundHandlerAdapter())
            .open()
            .sync()
            .getNow();
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(grpcHeaders(SLEEP), false)).sync();
    stream.close().sync(); // RST_STREAM(CANCEL)
  }

  @Test
  void http1OnTheSamePortStillGetsHttpErrors() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("GET /other HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 404");
    }
  }

  // ------------------------------------------------------------------ helpers

  private void assertStillServing() throws Exception {
    Recorded r = exchange(grpcHeaders(ECHO), prefixed(0, protoString("ok")), true);
    assertThat(r.status()).isEqualTo("0");
    assertThat(r.body).isEqualTo(prefixedBytes(0, protoString("ok")));
  }

  private String call(Http2Headers headers, ByteBuf body) throws Exception {
    return call(headers, body, true);
  }

  private String call(Http2Headers headers, ByteBuf body, boolean endStream) throws Exception {
    return exchange(headers, body, endStream).status();
  }

  private static Http2Headers grpcHeaders(String path) {
    return new DefaultHttp2Headers()
        .method("POST")
        .scheme("http")
        .path(path)
        .authority("localhost")
        .set("content-type", "application/grpc")
        .set("te", "trailers");
  }

  /**
   * What came back on one stream: its first HEADERS, its DATA bytes, and its last HEADERS (or
   * reset).
   */
  private static final class Recorded {
    Http2HeadersFrame first;
    Http2HeadersFrame last;
    byte[] body = new byte[0];

    String status() {
      CharSequence s = last.headers().get("grpc-status");
      return s == null ? null : s.toString();
    }
  }

  private Recorded exchange(Http2Headers headers, ByteBuf body, boolean endStream)
      throws Exception {
    BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    try {
                      if (msg instanceof Http2DataFrame data) {
                        byte[] bytes = new byte[data.content().readableBytes()];
                        data.content().readBytes(bytes);
                        frames.add(bytes);
                        if (data.isEndStream()) {
                          frames.add("end");
                        }
                      } else if (msg instanceof Http2HeadersFrame h) {
                        frames.add(h);
                      } else if (msg instanceof Http2ResetFrame) {
                        frames.add("reset");
                      }
                    } finally {
                      ReferenceCountUtil.release(msg);
                    }
                  }
                })
            .open()
            .sync()
            .getNow();
    ChannelFuture unused = stream.write(new DefaultHttp2HeadersFrame(headers, false));
    stream.writeAndFlush(new DefaultHttp2DataFrame(body, endStream)).sync();
    Recorded r = new Recorded();
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    while (true) {
      Object f = frames.poll(10, TimeUnit.SECONDS);
      assertThat(f).as("a response frame").isNotNull();
      if (f instanceof Http2HeadersFrame h) {
        if (r.first == null) {
          r.first = h;
        }
        r.last = h;
        if (h.isEndStream()) {
          break;
        }
      } else if (f instanceof byte[] bytes) {
        data.write(bytes);
      } else {
        break;
      }
    }
    r.body = data.toByteArray();
    if (stream.isActive()) {
      stream.close().sync();
    }
    return r;
  }

  private static byte[] protoString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 2];
    out[0] = 0x0a;
    out[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, out, 2, utf8.length);
    return out;
  }

  private static ByteBuf prefixed(int flag, byte[] payload) {
    return Unpooled.wrappedBuffer(prefixedBytes(flag, payload));
  }

  private static byte[] prefixedBytes(int flag, byte[] payload) {
    ByteBuf b = Unpooled.buffer().writeByte(flag).writeInt(payload.length).writeBytes(payload);
    try {
      byte[] out = new byte[b.readableBytes()];
      b.readBytes(out);
      return out;
    } finally {
      b.release();
    }
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteBuf b = Unpooled.buffer();
    try {
      try (GZIPOutputStream gz = new GZIPOutputStream(new ByteBufOutputStream(b))) {
        gz.write(plain);
      }
      byte[] out = new byte[b.readableBytes()];
      b.readBytes(out);
      return out;
    } finally {
      b.release();
    }
  }
}
