package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Liveness over real sockets on 127.0.0.1 (WebSocket): the server's ping policy against a raw
 * client flooding PINGs, its idle and age limits, and keep-alive finding a black-holed peer.
 * Timings are small but every wait is generous: a loaded machine only makes the tests slower, never
 * wrong.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LivenessTest {
  private static final TransportSettings BASE =
      TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(5));

  private final TransportProvider provider =
      ServiceLoader.load(TransportProvider.class).stream()
          .map(ServiceLoader.Provider::get)
          .filter(p -> p.schemes().contains("ws"))
          .findFirst()
          .orElseThrow();
  private final EchoService service = new EchoService();
  private ServerTransport server;

  private void startServer(KeepAliveSettings keepAlive) throws Exception {
    server =
        provider.newServerTransport(
            URI.create("ws://127.0.0.1:0/rpc"), BASE.withKeepAlive(keepAlive));
    server.start(service);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.shutdownNow();
      server.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  private ClientTransport client(int port, KeepAliveSettings keepAlive, Recorder recorder) {
    return client("ws", port, keepAlive, recorder);
  }

  /** A client over {@code scheme} (ws, sse or h2c: the server serves all on its port). */
  private ClientTransport client(
      String scheme, int port, KeepAliveSettings keepAlive, Recorder recorder) {
    String path = scheme.startsWith("h2") ? "" : "/rpc"; // gRPC's paths are the methods'
    ClientTransport client =
        provider.newClientTransport(
            URI.create(scheme + "://127.0.0.1:" + port + path), BASE.withKeepAlive(keepAlive));
    client.start(recorder);
    return client;
  }

  private static ClientStream call(ClientTransport client, Recorder recorder, String request) {
    ClientStream stream =
        client.newStream(
            request == null ? EchoService.HOLD : EchoService.ECHO, Metadata.EMPTY, null, recorder);
    stream.request(1);
    stream.writeMessage(request == null ? "hold" : request);
    stream.halfClose();
    return stream;
  }

  /** A frame: type, flags 0, stream 0, payload. */
  private static ByteBuffer frame(int type, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(0);
    out.write(0);
    out.writeBytes(payload);
    return ByteBuffer.wrap(out.toByteArray());
  }

  @Test
  void clientFloodingPingsGetsGoAwayTooManyPingsAndIsClosed() throws Exception {
    startServer(KeepAliveSettings.DEFAULT); // permits a PING every 5 minutes
    List<ByteBuffer> received = new CopyOnWriteArrayList<>();
    BlockingQueue<ByteBuffer> arrivals = new LinkedBlockingQueue<>();
    CompletableFuture<Object> ended = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

          @Override
          public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
              ByteBuffer frame = ByteBuffer.wrap(partial.toByteArray());
              received.add(frame);
              arrivals.add(frame);
              partial.reset();
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended.complete(statusCode);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            ended.complete(error);
          }
        };
    WebSocket raw =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols(WsPipelines.SUBPROTOCOL)
            .buildAsync(
                URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/rpc"), listener)
            .get(10, TimeUnit.SECONDS);
    raw.sendBinary(frame(0x01, new byte[0]), true).get(10, TimeUnit.SECONDS); // SETTINGS
    // each PING waits for the server's answer (a PONG or the GOAWAY) before the next goes: a PING
    // still unread when the server closes would make its kernel reset the connection, and a reset
    // may discard the GOAWAY before this client reads it
    boolean goAwaySeen = false;
    for (int i = 0; i < 10 && !goAwaySeen && !ended.isDone(); i++) {
      try {
        raw.sendBinary(frame(0x0B, new byte[8]), true).get(10, TimeUnit.SECONDS); // PING
      } catch (java.util.concurrent.ExecutionException e) {
        break; // the server closed
      }
      for (ByteBuffer f = arrivals.poll(10, TimeUnit.SECONDS);
          f != null;
          f = arrivals.poll(10, TimeUnit.SECONDS)) {
        if (f.get(0) == 0x0C || f.get(0) == 0x0D) { // PONG or GOAWAY: this PING was answered
          goAwaySeen = f.get(0) == 0x0D;
          break;
        }
      }
    }
    assertThat(ended.get(20, TimeUnit.SECONDS)).isNotNull(); // closed by the server
    // what arrived before the close: SETTINGS, PONGs for the tolerated PINGs, then GOAWAY
    ByteBuffer goAway =
        received.stream()
            .filter(f -> f.get(0) == 0x0D)
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no GOAWAY among " + received.size() + " frames"));
    long pongs = received.stream().filter(f -> f.get(0) == 0x0C).count();
    assertThat(pongs)
        .isEqualTo(2); // two strikes tolerated (the first PING comes too soon after the start)
    String text = StandardCharsets.UTF_8.decode(goAway.duplicate()).toString();
    assertThat(text).contains("too_many_pings");
    assertThat(goAwayCode(goAway)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());

    Recorder recorder = new Recorder(); // other clients are served as before
    ClientTransport other =
        client(server.localAddress().getPort(), KeepAliveSettings.DEFAULT, recorder);
    call(other, recorder, "still there");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    other.shutdownNow(Status.CANCELLED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void clientPingingTooOftenHearsTooManyPingsAndItsCallFailsResourceExhausted(String scheme)
      throws Exception {
    startServer(KeepAliveSettings.DEFAULT); // permits a PING every 5 minutes
    Recorder recorder = new Recorder();
    ClientTransport client =
        client(
            scheme,
            server.localAddress().getPort(),
            KeepAliveSettings.DEFAULT.withKeepAliveTime(Duration.ofMillis(10)),
            recorder);
    call(client, recorder, null); // the server sends nothing: the client pings every 10 ms
    Status status = recorder.closed.get(20, TimeUnit.SECONDS);
    recorder.tooManyPings.get(20, TimeUnit.SECONDS);
    assertThat(status.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.description()).contains("too_many_pings");
    recorder.terminated.get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void clientPingingAsPermittedIsServed(String scheme) throws Exception {
    startServer(KeepAliveSettings.DEFAULT.withPermitKeepAliveTime(Duration.ofMillis(50)));
    Recorder recorder = new Recorder();
    ClientTransport client =
        client(
            scheme,
            server.localAddress().getPort(),
            KeepAliveSettings.DEFAULT.withKeepAliveTime(Duration.ofMillis(100)),
            recorder);
    call(client, recorder, null);
    service.holding.get(10, TimeUnit.SECONDS);
    Thread.sleep(1000); // about ten pings, each answered
    assertThat(recorder.closed).isNotDone();
    assertThat(recorder.tooManyPings).isNotDone();
    client.shutdownNow(Status.CANCELLED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void serverFindsABlackHoledClientByKeepAliveAndCancelsItsCall(String scheme) throws Exception {
    // a timeout a loaded machine's pauses stay within while the pings are still answered
    startServer(
        KeepAliveSettings.DEFAULT
            .withKeepAliveTime(Duration.ofMillis(300))
            .withKeepAliveTimeout(Duration.ofSeconds(3)));
    try (BlackHoleRelay relay = new BlackHoleRelay(server.localAddress().getPort())) {
      Recorder recorder = new Recorder();
      ClientTransport client = client(scheme, relay.port(), KeepAliveSettings.DEFAULT, recorder);
      call(client, recorder, null);
      service.holding.get(10, TimeUnit.SECONDS);
      Thread.sleep(1000); // the server's pings are answered: the call lives on
      assertThat(service.held).isNotDone();

      relay.blackHole();
      Status status = service.held.get(30, TimeUnit.SECONDS); // the server call is cancelled
      assertThat(status.isOk()).isFalse();
      client.shutdownNow(Status.CANCELLED);
    }
  }

  /** Field 2 of a GOAWAY frame with a 1-byte stream id. */
  private static int goAwayCode(ByteBuffer frame) {
    ByteBuffer p = frame.duplicate().position(3);
    while (p.hasRemaining()) {
      int tag = p.get();
      if (tag == 0x10) {
        return p.get();
      }
      if ((tag & 7) == 0) {
        while (p.get() < 0) {
          // skip the varint
        }
      } else {
        int len = p.get();
        p.position(p.position() + len);
      }
    }
    return -1;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void idleConnectionIsSentAGracefulGoAway(String scheme) throws Exception {
    // long enough for the call to reach the server first on a loaded machine: a call arriving
    // after the GOAWAY would be refused
    startServer(KeepAliveSettings.DEFAULT.withMaxConnectionIdle(Duration.ofSeconds(1)));
    Recorder recorder = new Recorder();
    ClientTransport client =
        client(scheme, server.localAddress().getPort(), KeepAliveSettings.DEFAULT, recorder);
    call(client, recorder, "hi");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    Status shutdown = recorder.shutdown.get(20, TimeUnit.SECONDS);
    assertThat(shutdown.code()).isEqualTo(Status.Code.UNAVAILABLE);
    recorder.terminated.get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void busyConnectionIsNotIdle(String scheme) throws Exception {
    // an idle limit long enough for the call to start first on a loaded machine
    startServer(KeepAliveSettings.DEFAULT.withMaxConnectionIdle(Duration.ofSeconds(2)));
    Recorder recorder = new Recorder();
    ClientTransport client =
        client(scheme, server.localAddress().getPort(), KeepAliveSettings.DEFAULT, recorder);
    call(client, recorder, null); // held open by the server
    service.holding.get(10, TimeUnit.SECONDS);
    Thread.sleep(5000); // more than two idle periods
    assertThat(recorder.shutdown).isNotDone();
    client.shutdownNow(Status.CANCELLED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void oldConnectionGetsGoAwayAndItsCallsEndAfterTheGrace(String scheme) throws Exception {
    // an age long enough for the call to start first on a loaded machine (one arriving after the
    // GOAWAY would be refused)
    startServer(
        KeepAliveSettings.DEFAULT.withMaxConnectionAge(
            Duration.ofSeconds(2), Duration.ofMillis(500)));
    Recorder recorder = new Recorder();
    ClientTransport client =
        client(scheme, server.localAddress().getPort(), KeepAliveSettings.DEFAULT, recorder);
    call(client, recorder, null);
    service.holding.get(10, TimeUnit.SECONDS);
    assertThat(recorder.shutdown.get(20, TimeUnit.SECONDS).code())
        .isEqualTo(Status.Code.UNAVAILABLE);
    Status closed = recorder.closed.get(20, TimeUnit.SECONDS);
    assertThat(closed.code()).isEqualTo(Status.Code.UNAVAILABLE);
    recorder.terminated.get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void blackHoledPeerIsFoundByKeepAliveAndItsCallFailsUnavailable(String scheme) throws Exception {
    startServer(KeepAliveSettings.DEFAULT.withPermitKeepAliveTime(Duration.ofMillis(100)));
    // a timeout a loaded machine's pauses stay within while the pings are still answered
    KeepAliveSettings clientKeepAlive =
        KeepAliveSettings.DEFAULT
            .withKeepAliveTime(Duration.ofMillis(300))
            .withKeepAliveTimeout(Duration.ofSeconds(3));
    try (BlackHoleRelay relay = new BlackHoleRelay(server.localAddress().getPort())) {
      Recorder recorder = new Recorder();
      ClientTransport client = client(scheme, relay.port(), clientKeepAlive, recorder);
      call(client, recorder, null);
      service.holding.get(10, TimeUnit.SECONDS);
      Thread.sleep(1000); // pings are answered: the call lives on
      assertThat(recorder.closed).isNotDone();

      relay.blackHole();
      long start = System.nanoTime();
      Status status = recorder.closed.get(30, TimeUnit.SECONDS);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(status.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.description()).contains("keep-alive ping not acknowledged within");
      System.out.printf("%s: black hole found in %d ms (interval + timeout 3.3 s)%n", scheme, took);
      // the transport is shut down: a channel takes the next call to a new connection
      assertThat(recorder.shutdown.get(10, TimeUnit.SECONDS).code())
          .isEqualTo(Status.Code.UNAVAILABLE);
      recorder.terminated.get(20, TimeUnit.SECONDS);

      relay.heal();
      Recorder next = new Recorder();
      ClientTransport again = client(scheme, relay.port(), clientKeepAlive, next);
      call(again, next, "back");
      assertThat(next.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
      assertThat(next.messages).containsExactly("echo:back");
      again.shutdownNow(Status.CANCELLED);
    }
  }
}
