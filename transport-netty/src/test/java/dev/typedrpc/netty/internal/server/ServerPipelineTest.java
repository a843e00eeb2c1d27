package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Status;
import dev.typedrpc.netty.EchoService;
import dev.typedrpc.netty.EmbeddedWsPeer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server pipeline on an {@link EmbeddedChannel}, with the real frame engine behind it. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerPipelineTest {
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT.withMaxFrameSize(4096);

  private final EchoService service = new EchoService();
  private final EmbeddedWsPeer peer = new EmbeddedWsPeer(serverChannel());

  private EmbeddedChannel serverChannel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    WsPipelines.server(ch.pipeline(), "/rpc", SETTINGS, service, new SseServer(SETTINGS, service));
    return ch;
  }

  @AfterEach
  void close() {
    peer.close();
  }

  @Test
  void unknownPathGets404AndClose() {
    assertThat(peer.sendHttp("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404 ");
    assertThat(peer.server.isOpen()).isFalse();
  }

  @Test
  void plainRequestOnThePathGets426AndClose() {
    String response = peer.sendHttp("GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 426 ").containsIgnoringCase("upgrade: websocket");
    assertThat(peer.server.isOpen()).isFalse();
  }

  @Test
  void otherMethodOnThePathGets405AndClose() {
    String response = peer.sendHttp("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    assertThat(response).startsWith("HTTP/1.1 405 ");
    assertThat(peer.server.isOpen()).isFalse();
  }

  @Test
  void connectionWithoutUpgradeRequestClosesAfterTheHandshakeTimeout() {
    long timeout = SETTINGS.connectTimeout().toMillis();
    peer.server.advanceTimeBy(timeout / 2, TimeUnit.MILLISECONDS);
    peer.server.runScheduledPendingTasks();
    assertThat(peer.server.isOpen()).isTrue();
    peer.server.advanceTimeBy(timeout, TimeUnit.MILLISECONDS);
    peer.server.runScheduledPendingTasks();
    assertThat(peer.server.isOpen()).isFalse();
  }

  @Test
  void handshakeSelectsTheSubprotocolAndTheEngineSendsSettings() {
    assertThat(peer.handshake()).startsWith("HTTP/1.1 101 ").containsIgnoringCase("typedrpc.v1");
    List<WebSocketFrame> frames = peer.received();
    assertThat(frames).hasSize(1).first().isInstanceOf(BinaryWebSocketFrame.class);
    assertThat(frames.get(0).content().getByte(0)).isEqualTo((byte) 0x01); // SETTINGS
    frames.forEach(WebSocketFrame::release);
  }

  @Test
  void handshakeWithoutTheSubprotocolClosesWith1002() {
    assertThat(peer.sendHttp(EmbeddedWsPeer.UPGRADE + "\r\n")).startsWith("HTTP/1.1 101 ");
    assertClosedWith(WebSocketCloseStatus.PROTOCOL_ERROR);
  }

  @Test
  void textFrameClosesWith1003() {
    peer.handshake();
    peer.received().forEach(WebSocketFrame::release);
    peer.send(new TextWebSocketFrame("hello"));
    assertClosedWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
  }

  @Test
  void oversizedFrameClosesWith1009AndEndsTheCalls() throws Exception {
    peer.handshake();
    peer.received().forEach(WebSocketFrame::release);
    peer.send(typedrpcFrame(0x01, 0, out -> out.writeUInt32(1, 1))); // SETTINGS, version 1
    peer.send(typedrpcFrame(0x02, 1, out -> out.writeString(1, EchoService.HOLD.fullName())));
    assertThat(service.holding).isCompleted();

    peer.send(
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[3 * SETTINGS.maxFrameSize()])));

    assertClosedWith(WebSocketCloseStatus.MESSAGE_TOO_BIG);
    assertThat(service.held.get(5, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private void assertClosedWith(WebSocketCloseStatus expected) {
    List<WebSocketFrame> frames = peer.received();
    try {
      assertThat(frames).last().isInstanceOf(CloseWebSocketFrame.class);
      assertThat(((CloseWebSocketFrame) frames.get(frames.size() - 1)).statusCode())
          .isEqualTo(expected.code());
    } finally {
      frames.forEach(WebSocketFrame::release);
    }
    assertThat(peer.server.isOpen()).isFalse();
  }

  interface Payload {
    void write(CodedOutputStream out) throws IOException;
  }

  /** A typedrpc frame: type, flags 0, stream id, payload. */
  static BinaryWebSocketFrame typedrpcFrame(int type, int streamId, Payload payload)
      throws IOException {
    byte[] bytes = new byte[256];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeRawByte((byte) type);
    out.writeRawByte((byte) 0);
    out.writeUInt32NoTag(streamId);
    payload.write(out);
    out.flush();
    return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes, 0, out.getTotalBytesWritten()));
  }
}
