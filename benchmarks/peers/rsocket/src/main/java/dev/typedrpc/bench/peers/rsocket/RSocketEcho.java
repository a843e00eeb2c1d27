package dev.typedrpc.bench.peers.rsocket;

import dev.typedrpc.bench.driver.Checks;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoEndpoints;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Jvms;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.driver.Loopback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.ServerTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.transport.netty.server.WebsocketServerTransport;
import io.rsocket.util.ByteBufPayload;
import io.rsocket.util.DefaultPayload;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * RSocket-Java's echo as its users write it for speed: payloads as raw bytes (no metadata, no
 * serialization), request-response for the unary calls, request-stream for the server stream with
 * request-n credit granted by Reactor's {@code limitRate} in windows of {@value #STREAM_WINDOW} (as
 * typedrpc's subscriber grants), and on both ends the zero-copy frame decoder RSocket recommends
 * for performance ({@link PayloadDecoder#ZERO_COPY}), so payloads are slices of the received frame
 * that the application releases. The responder answers a request with the request's own payload.
 */
final class RSocketEcho implements EchoEndpoints {
  static final int STREAM_WINDOW = 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(Checks.STREAM_TIMEOUT_SECONDS);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final String letter;
  private final boolean webSocket;

  private RSocketEcho(String letter, boolean webSocket) {
    this.letter = letter;
    this.webSocket = webSocket;
  }

  /** G: over TCP; H: over WebSocket. */
  static RSocketEcho byLetter(String letter) {
    return switch (letter) {
      case "G" -> new RSocketEcho(letter, false);
      case "H" -> new RSocketEcho(letter, true);
      default ->
          throw new IllegalArgumentException(
              "RSocket runs G (TCP) and H (WebSocket), not " + letter);
    };
  }

  @Override
  public EchoServer startServer() {
    ServerTransport<CloseableChannel> transport =
        webSocket
            ? WebsocketServerTransport.create(Loopback.HOST, 0)
            : TcpServerTransport.create(Loopback.HOST, 0);
    CloseableChannel channel =
        RSocketServer.create(SocketAcceptor.with(new EchoResponder()))
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .bind(transport)
            .block(TIMEOUT);
    if (channel == null) {
      throw new IllegalStateException("RSocket's server did not bind");
    }
    return new EchoServer() {
      @Override
      public int port() {
        return channel.address().getPort();
      }

      @Override
      public void close() {
        channel.dispose();
        channel.onClose().onErrorResume(e -> Mono.empty()).block(CLOSE_TIMEOUT);
      }
    };
  }

  @Override
  public List<String> serverCommand(LoadOptions options) {
    return Jvms.command(
        options,
        System.getProperty("java.class.path"),
        RSocketMain.class.getName(),
        List.of("_server", letter));
  }

  @Override
  public EchoClient connect(int port) {
    ClientTransport transport =
        webSocket
            ? WebsocketClientTransport.create(Loopback.HOST, port)
            : TcpClientTransport.create(Loopback.HOST, port);
    RSocket rsocket =
        RSocketConnector.create()
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .connect(transport)
            .block(TIMEOUT);
    if (rsocket == null) {
      throw new IllegalStateException("RSocket's client did not connect");
    }
    return new Requester(rsocket);
  }

  /** The responder: echoes, and streams zeros. */
  private static final class EchoResponder implements RSocket {
    @Override
    public Mono<Payload> requestResponse(Payload request) {
      // the request's payload (a retained slice of its frame) is the response; RSocket releases it
      // once written
      return Mono.just(request);
    }

    @Override
    public Flux<Payload> requestStream(Payload request) {
      int count;
      int size;
      try {
        ByteBuf data = request.data();
        count = data.getInt(data.readerIndex());
        size = data.getInt(data.readerIndex() + 4);
      } finally {
        request.release();
      }
      ByteBuf chunk = Unpooled.wrappedBuffer(new byte[size]);
      // Flux.range emits only as far as the requester's request-n credit reaches
      return Flux.range(0, count)
          .map(i -> ByteBufPayload.create(chunk.retainedDuplicate()))
          .doFinally(signal -> chunk.release());
    }
  }

  /** The requester; thread-safe, as RSocket is. */
  private static final class Requester implements EchoClient {
    private final RSocket rsocket;

    Requester(RSocket rsocket) {
      this.rsocket = rsocket;
    }

    private static int lengthReleasing(Payload response) {
      try {
        return response.data().readableBytes();
      } finally {
        response.release();
      }
    }

    private static void check(int sent, Integer received) {
      Checks.sameLength(sent, received == null ? -1 : received);
    }

    @Override
    public void call(byte[] payload) {
      check(
          payload.length,
          rsocket
              .requestResponse(DefaultPayload.create(payload))
              .map(Requester::lengthReleasing)
              .block(TIMEOUT));
    }

    @Override
    public CompletableFuture<Void> callAsync(byte[] payload) {
      return rsocket
          .requestResponse(DefaultPayload.create(payload))
          .map(Requester::lengthReleasing)
          .toFuture()
          .thenAccept(length -> check(payload.length, length));
    }

    @Override
    public void stream(int count, int size) {
      ByteBuffer request = ByteBuffer.allocate(8).putInt(count).putInt(size).flip();
      Long received =
          rsocket
              .requestStream(DefaultPayload.create(request))
              .limitRate(STREAM_WINDOW)
              .doOnNext(Payload::release)
              .count()
              .block(TIMEOUT);
      if (received == null || received != count) {
        throw new IllegalStateException("got " + received + " of " + count + " messages");
      }
    }

    @Override
    public void close() {
      rsocket.dispose();
      rsocket.onClose().onErrorResume(e -> Mono.empty()).block(CLOSE_TIMEOUT);
    }
  }
}
