package dev.typedrpc.netty.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.netty.EchoService;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A POST whose session's event loop rejects the delivery (it is shutting down) is answered {@code
 * 503}, and its body, retained for the delivery, is released: nothing leaks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SsePostRejectionTest {
  @Test
  void aPostRejectedByTheSessionsLoopIsAnswered503AndItsBodyReleased() throws Exception {
    SseServer sse = new SseServer(TransportSettings.DEFAULT, new EchoService());
    // the session's event stream lives on a loop that has shut down: it rejects every task
    EventLoop dead = new DefaultEventLoop();
    LocalChannel stream = new LocalChannel();
    dead.register(stream).sync();
    dead.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    assertThat(stream.eventLoop().isShutdown()).isTrue();
    try {
      stream.eventLoop().execute(() -> {});
      throw new AssertionError("the loop should reject tasks");
    } catch (RejectedExecutionException expected) {
      // the condition under test
    }
    sse.sessions.put(
        "s",
        new SseServer.SseSession("s", null, stream, null, null, ConcurrentHashMap.newKeySet()));

    ChannelHandlerContext[] context = new ChannelHandlerContext[1];
    EmbeddedChannel post =
        new EmbeddedChannel(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                context[0] = ctx;
              }
            });
    ByteBuf body = post.alloc().buffer().writeInt(3).writeBytes(new byte[] {1, 2, 3});
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/rpc/sse/s", body);
    boolean accepted;
    try {
      accepted = sse.post(context[0], request, "s");
    } finally {
      request.release(); // as the HTTP gate does after post()
    }
    assertThat(accepted).isFalse();
    assertThat(body.refCnt()).as("the body's references, the delivery's included").isZero();
    FullHttpResponse response = post.readOutbound();
    try {
      assertThat(response.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    } finally {
      response.release();
    }
    assertThat(post.isOpen()).as("the refused POST's connection is closed").isFalse();
    assertThat(post.finishAndReleaseAll()).isFalse();
  }
}
