package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.DrainService;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP/2 server drains in two steps, seen by Netty's own client codec on a real socket: {@code
 * GOAWAY(NO_ERROR, 2^31-1)} and a PING; a stream the client opens on reading that first GOAWAY
 * (before it acknowledges the PING) is still served; then {@code GOAWAY(NO_ERROR, last stream id)},
 * and the call in progress finishes before the connection closes.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class H2GracefulShutdownTest {
  private final DrainService service = new DrainService("S", DrainService.newRuns(), 1);
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private RpcServer server;
  private EventLoopGroup group;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  private void startServer(KeepAliveSettings keepAlive) throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(service.definition())
            .transportSettings(TransportSettings.DEFAULT.withKeepAlive(keepAlive))
            .drainTimeout(Duration.ofSeconds(20))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void twoGoAwaysWithAPingBetweenAndAStreamRacingTheFirstIsServed() throws Exception {
    startServer(KeepAliveSettings.DEFAULT);
    Client client = new Client();
    Channel ch = connect(client);
    ChannelHandlerContext ctx = ch.pipeline().context(client.handler);
    ch.eventLoop().execute(() -> client.call(ctx, 1, DrainService.HOLD.fullName(), "held"));
    assertThat(service.held.await(20, TimeUnit.SECONDS))
        .as("the held call started, %s", events)
        .isTrue();

    server.shutdown();
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("goaway " + Integer.MAX_VALUE);
    // the stream the client opened on reading the first GOAWAY is taken and served
    assertThat(nextTwo()).containsExactlyInAnyOrder("goaway 3", "status 3 0");
    assertThat(server.awaitTermination(Duration.ofMillis(100))).isFalse();
    service.release();
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("status 1 0");
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    ch.close().sync();
  }

  /**
   * The max connection age goes away as the drain does: GOAWAY 2^31-1 and a PING, then the real
   * last stream id, each with "max connection age reached" as debug data; the stream racing the
   * first is served, and the call in progress finishes within the grace.
   */
  @Test
  void maxConnectionAgeGoesAwayInTwoStepsAndAStreamRacingTheFirstIsServed() throws Exception {
    startServer(
        KeepAliveSettings.DEFAULT.withMaxConnectionAge(
            Duration.ofSeconds(2), Duration.ofSeconds(20))); // time for the held call to start
    Client client = new Client();
    Channel ch = connect(client);
    ChannelHandlerContext ctx = ch.pipeline().context(client.handler);
    ch.eventLoop().execute(() -> client.call(ctx, 1, DrainService.HOLD.fullName(), "held"));
    assertThat(service.held.await(20, TimeUnit.SECONDS))
        .as("the held call started, %s", events)
        .isTrue();

    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("goaway " + Integer.MAX_VALUE);
    assertThat(nextTwo()).containsExactlyInAnyOrder("goaway 3", "status 3 0");
    assertThat(client.debug)
        .containsExactly("max connection age reached", "max connection age reached");
    service.release();
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("status 1 0");
    ch.closeFuture().await(10, TimeUnit.SECONDS);
    assertThat(ch.isActive()).as("closed once its streams ended").isFalse();
  }

  /**
   * A channel that keeps calling across several max connection ages (300 ms, then a new
   * connection): every call succeeds, whether it went out before a GOAWAY, raced one (taken by the
   * server, or retried transparently by the client) or after it.
   */
  @Test
  void callsAcrossTheMaxConnectionAgeAllSucceed() throws Exception {
    startServer(
        KeepAliveSettings.DEFAULT.withMaxConnectionAge(
            Duration.ofMillis(300), Duration.ofSeconds(10)));
    RpcChannel c = RpcChannel.connect(URI.create("h2c://127.0.0.1:" + server.address().getPort()));
    AtomicInteger connections = new AtomicInteger();
    AutoCloseable unusedListener =
        c.onStateChange(
            state -> {
              if (state == ConnectionState.READY) {
                connections.incrementAndGet();
              }
            });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> calls = new ArrayList<>();
      int n = 0;
      // at least 400 calls, and until the third connection: calls went out across two GOAWAYs
      while ((connections.get() < 3 || n < 400) && n < 20_000) {
        for (int i = 0; i < 40; i++, n++) {
          String id = "c" + n;
          calls.add(
              pool.submit(
                  () ->
                      ClientCalls.blockingUnary(
                          c,
                          DrainService.WORK,
                          CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)),
                          id)));
        }
        for (Future<String> f : calls.subList(calls.size() - 40, calls.size())) {
          f.get(30, TimeUnit.SECONDS); // a call that failed throws here
        }
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("S:c" + i);
      }
      System.out.printf("%d calls over %d connections, all succeeded%n", n, connections.get());
      assertThat(connections.get())
          .as("connections the age limit replaced")
          .isGreaterThanOrEqualTo(3);
    } finally {
      pool.shutdownNow();
      c.shutdownNow();
    }
  }

  /**
   * The next two events. The second GOAWAY (sent when the PING's ACK arrives) and the racing
   * stream's answer (sent when its call ends, on another thread) come in either order.
   */
  private List<String> nextTwo() throws InterruptedException {
    List<String> two = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      two.add(events.poll(20, TimeUnit.SECONDS));
    }
    return two;
  }

  private Channel connect(Client client) throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel c) {
                c.pipeline().addLast(client.handler);
              }
            })
        .connect("127.0.0.1", server.address().getPort())
        .sync()
        .channel();
  }

  /**
   * Netty's HTTP/2 client codec; it acknowledges PINGs by itself, after the listener hears them.
   */
  private final class Client extends Http2FrameAdapter {
    final Http2ConnectionHandler handler =
        new Http2ConnectionHandlerBuilder().server(false).frameListener(this).build();
    final List<String> debug = new CopyOnWriteArrayList<>();

    void call(ChannelHandlerContext ctx, int id, String method, String request) {
      Http2Headers h =
          new DefaultHttp2Headers()
              .method("POST")
              .scheme("http")
              .authority("test")
              .path("/" + method)
              .set("content-type", "application/grpc")
              .set("te", "trailers");
      ChannelFuture unused = handler.encoder().writeHeaders(ctx, id, h, 0, false, ctx.newPromise());
      byte[] text = request.getBytes(StandardCharsets.UTF_8);
      ByteBuf body = ctx.alloc().buffer();
      body.writeByte(0).writeInt(text.length + 2).writeByte(0x0a).writeByte(text.length);
      body.writeBytes(text);
      unused =
          handler
              .encoder()
              .writeData(ctx, id, body, 0, true, ctx.newPromise())
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      events.add("write failed on stream " + id + ": " + w.cause());
                    }
                  });
      // through the handler: its flush writes the DATA waiting in the flow controller (ctx.flush()
      // would send the HEADERS alone, and the request only with whatever flushes next)
      handler.flush(ctx);
    }

    @Override
    public void onGoAwayRead(
        ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      debug.add(debugData.toString(StandardCharsets.UTF_8));
      events.add("goaway " + lastStreamId);
      if (lastStreamId == Integer.MAX_VALUE) {
        call(
            ctx,
            3,
            DrainService.WORK.fullName(),
            "racing"); // before the PING that follows is acked
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end) {
      CharSequence status = headers.get("grpc-status");
      if (status != null) {
        events.add("status " + streamId + " " + status);
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
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
      return data.readableBytes() + padding;
    }
  }
}
