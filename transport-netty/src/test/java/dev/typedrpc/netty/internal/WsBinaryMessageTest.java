package dev.typedrpc.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages {@link WsBinaryMessage} encodes are read back by Netty's WebSocket decoder, masked as a
 * server requires them and unmasked as a client does, at every length form (7-bit, 16-bit, 64-bit)
 * and with every tail the eight-byte masking loop leaves.
 */
class WsBinaryMessageTest {
  @ParameterizedTest
  @ValueSource(
      ints = {0, 1, 3, 4, 5, 7, 8, 9, 12, 13, 15, 125, 126, 127, 1031, 65535, 65536, 70001})
  void nettyReadsWhatIsWritten(int length) {
    byte[] bytes = new byte[length + 11];
    new Random(length).nextBytes(bytes);
    for (boolean masked : new boolean[] {true, false}) {
      ByteBuf message = WsBinaryMessage.encode(ByteBufAllocator.DEFAULT, bytes, 7, length, masked);
      assertThat(message.readableBytes())
          .isEqualTo(WsBinaryMessage.headerSize(length, masked) + length);
      if (masked && length >= 8) {
        // the bytes on the wire are not the payload's
        assertThat(ByteBufUtil.getBytes(message, message.readableBytes() - length, length))
            .isNotEqualTo(Arrays.copyOfRange(bytes, 7, 7 + length));
      }
      EmbeddedChannel reader =
          new EmbeddedChannel(new WebSocket08FrameDecoder(masked, false, 1 << 20));
      assertThat(reader.writeInbound(message)).isTrue();
      BinaryWebSocketFrame frame = reader.readInbound();
      try {
        assertThat(frame.isFinalFragment()).isTrue();
        assertThat(ByteBufUtil.getBytes(frame.content()))
            .isEqualTo(Arrays.copyOfRange(bytes, 7, 7 + length));
      } finally {
        frame.release();
      }
      assertThat(reader.finish()).isFalse();
    }
  }
}
