package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.netty.internal.IoGroups;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What one end sends when many streams have a message ready at once: each stream's message goes out
 * in one piece (one DATA frame) rather than cut at Netty's default turn of 1 KiB, which cut every 1
 * KiB gRPC message (1,029 bytes with its prefix) in two as soon as 64 calls competed for the
 * channel's 64 KiB.
 */
class H2SendFlowControllerTest {

  @Test
  void sixtyFourCallsOfOneKibibyteEachSendTheirMessageInOnePiece() throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    channel.config().setWriteBufferWaterMark(IoGroups.WATER_MARK);
    ChannelHandlerContext ctx = channel.pipeline().firstContext();
    Http2Connection connection = new DefaultHttp2Connection(false);
    DefaultHttp2RemoteFlowController flow = H2Limits.sendFlowController(connection);
    connection.remote().flowController(flow);
    flow.channelHandlerContext(ctx);
    flow.incrementWindowSize(connection.connectionStream(), H2Limits.CONNECTION_WINDOW);

    int message = 5 + 1024;
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      Message m = new Message(message);
      messages.add(m);
      flow.addFlowControlled(connection.local().createStream(2 * i + 1, false), m);
    }
    flow.writePendingBytes();

    // the channel takes 64 KiB now: all but the stream at the end of that budget send theirs whole
    assertThat(messages).allSatisfy(m -> assertThat(m.left).isZero());
    assertThat(messages.stream().filter(m -> m.pieces.size() > 1).count()).isLessThanOrEqualTo(1);
    assertThat(messages.stream().filter(m -> m.pieces.equals(List.of(message))).count())
        .isGreaterThanOrEqualTo(63);
    channel.finishAndReleaseAll();
  }

  /** A message of {@code size} bytes queued on a stream; records the pieces it is written in. */
  private static final class Message implements Http2RemoteFlowController.FlowControlled {
    final List<Integer> pieces = new ArrayList<>();
    int left;

    Message(int size) {
      this.left = size;
    }

    @Override
    public int size() {
      return left;
    }

    @Override
    public void error(ChannelHandlerContext ctx, Throwable cause) {
      throw new AssertionError(cause);
    }

    @Override
    public void writeComplete() {}

    @Override
    public void write(ChannelHandlerContext ctx, int allowedBytes) {
      int n = Math.min(allowedBytes, left);
      if (n > 0) {
        pieces.add(n);
        left -= n;
      }
    }

    @Override
    public boolean merge(ChannelHandlerContext ctx, Http2RemoteFlowController.FlowControlled next) {
      return false;
    }
  }
}
