package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The first bytes of a connection choose its pipeline; the sniffer leaves and passes on what it read. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProtocolSnifferTest {
  private final EchoService service = new EchoService();
  private final EmbeddedChannel ch = new EmbeddedChannel();

  ProtocolSnifferTest() {
    WsPipelines.sniffingServer(
        ch.pipeline(), "/rpc", TransportSettings.DEFAULT, service, false, new SseServer(TransportSettings.DEFAULT, service));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  @Test
  void http1RequestSplitAcrossReadsReachesTheHttpPipeline() {
    ch.writeInbound(ascii("GE"));
    assertThat(ch.pipeline().get("sniffer")).as("'G' already differs from the preface").isNull();
    ch.writeInbound(ascii("T /other HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat(readOutbound()).startsWith("HTTP/1.1 404 ");
  }

  @Test
  void prefaceSplitAcrossReadsSelectsHttp2() {
    byte[] preface = ProtocolSniffer.PREFACE;
    ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(preface, 0, 10)));
    assertThat(ch.pipeline().get("sniffer")).as("still undecided").isNotNull();
    ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(preface, 10, preface.length)));
    assertThat(ch.pipeline().get("sniffer")).isNull();
    assertThat(ch.pipeline().get("h2")).isInstanceOf(H2ServerHandler.class);
    ByteBuf settings = ch.readOutbound(); // the server's preface: a SETTINGS frame
    try {
      assertThat(settings.getByte(settings.readerIndex() + 3)).as("frame type SETTINGS").isEqualTo((byte) 4);
    } finally {
      settings.release();
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private String readOutbound() {
    StringBuilder sb = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return sb.toString();
  }
}
