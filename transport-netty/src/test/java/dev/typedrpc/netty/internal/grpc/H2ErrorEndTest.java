package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Status;
import dev.typedrpc.netty.EchoService;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Errors that are not HTTP/2's end at the HTTP/2 handler, on the server and on the client: a broken
 * connection closes quietly, anything else closes with GOAWAY INTERNAL_ERROR; neither reaches the
 * end of the pipeline (where Netty logs a warning; {@link EmbeddedChannel#checkException} rethrows
 * what reached it).
 */
class H2ErrorEndTest {
  private static final int GOAWAY = 0x7;

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(
        H2ServerHandler.create(TransportSettings.DEFAULT, new EchoService(), false, "/rpc"));
  }

  private static EmbeddedChannel client() {
    H2ClientHandler h = H2ClientHandler.create(TransportSettings.DEFAULT, "x", false, false, null);
    h.listener(
        new ClientTransport.Listener() {
          @Override
          public void transportReady() {}

          @Override
          public void transportShutdown(Status reason) {}

          @Override
          public void transportTerminated() {}
        });
    EmbeddedChannel ch = new EmbeddedChannel();
    h.channel(ch);
    ch.pipeline().addLast(h);
    return ch;
  }

  @Test
  void aBrokenConnectionClosesQuietlyOnTheServer() {
    brokenConnectionClosesQuietly(server());
  }

  @Test
  void aBrokenConnectionClosesQuietlyOnTheClient() {
    brokenConnectionClosesQuietly(client());
  }

  @Test
  void anUnexpectedErrorClosesWithInternalErrorOnTheServer() {
    unexpectedErrorClosesWithInternalError(server());
  }

  @Test
  void anUnexpectedErrorClosesWithInternalErrorOnTheClient() {
    unexpectedErrorClosesWithInternalError(client());
  }

  private static void brokenConnectionClosesQuietly(EmbeddedChannel ch) {
    ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    ch.runPendingTasks();
    ch.checkException(); // nothing reached the end of the pipeline
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  private static void unexpectedErrorClosesWithInternalError(EmbeddedChannel ch) {
    ch.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
    ch.runPendingTasks();
    ch.checkException();
    assertThat(goAwayErrorCode(ch)).isEqualTo(Http2Error.INTERNAL_ERROR.code());
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  /** The error code of the first GOAWAY among the frames the handler wrote, or -1. */
  private static long goAwayErrorCode(EmbeddedChannel ch) {
    long code = -1;
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      while (code < 0 && b.readableBytes() >= 9) {
        if (b.getByte(b.readerIndex()) == 'P') { // the client preface
          b.skipBytes(Math.min(b.readableBytes(), 24));
          continue;
        }
        int length = b.readUnsignedMedium();
        int type = b.readUnsignedByte();
        b.skipBytes(5); // flags, stream id
        if (type == GOAWAY) {
          b.skipBytes(4); // last stream id
          code = b.readUnsignedInt();
        } else {
          b.skipBytes(length);
        }
      }
      b.release();
    }
    return code;
  }
}
