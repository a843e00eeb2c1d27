package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.netty.EchoService;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.netty.internal.grpc.H2ServerHandler;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The first bytes of a connection choose its pipeline; the sniffer leaves and passes on what it
 * read.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProtocolSnifferTest {
  private final EchoService service = new EchoService();
  private final EmbeddedChannel ch = new EmbeddedChannel();

  ProtocolSnifferTest() {
    ServerPipeline.configure(
        ch.pipeline(),
        "/rpc",
        TransportSettings.DEFAULT,
        service,
        false,
        new SseServer(TransportSettings.DEFAULT, service),
        null);
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
      assertThat(settings.getByte(settings.readerIndex() + 3))
          .as("frame type SETTINGS")
          .isEqualTo((byte) 4);
    } finally {
      settings.release();
    }
  }

  /**
   * The first bytes of a TLS 1.2/1.3 ClientHello: a handshake record header, then the start of the
   * message.
   */
  private static ByteBuf clientHelloStart() {
    return Unpooled.wrappedBuffer(
        new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c, 0x03, 0x03});
  }

  @Test
  void tlsClientHelloClosesTheConnectionWhenTheServerHasNoCertificate() {
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03}));
    assertThat(ch.isOpen()).as("waits for the record header").isTrue();
    ch.writeInbound(clientHelloStart().skipBytes(2));
    assertThat(ch.isOpen()).isFalse();
    assertThat(readOutbound()).isEmpty();
  }

  @Test
  void tlsClientHelloInstallsTlsWhenTheServerHasACertificate() throws Exception {
    EmbeddedChannel tls = new EmbeddedChannel();
    try {
      ServerPipeline.configure(
          tls.pipeline(),
          "/rpc",
          TransportSettings.DEFAULT,
          service,
          false,
          new SseServer(TransportSettings.DEFAULT, service),
          SslContextBuilder.forServer(
                  TestCerts.serverCert().toFile(), TestCerts.serverKey().toFile())
              .build());
      tls.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}));
      assertThat(tls.pipeline().get("sniffer")).isNull();
      assertThat(tls.pipeline().get("tls")).isInstanceOf(SslHandler.class);
      assertThat(tls.pipeline().get("alpn")).isNotNull();
    } finally {
      tls.finishAndReleaseAll();
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
