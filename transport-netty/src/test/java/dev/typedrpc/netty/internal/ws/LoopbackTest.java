package dev.typedrpc.netty.internal.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.netty.EchoService;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.Recorder;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real server and client transport on 127.0.0.1, found through {@link ServiceLoader}. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackTest {
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(5));

  private final TransportProvider provider = provider();
  private final EchoService service = new EchoService();
  private ServerTransport server;

  private static TransportProvider provider() {
    return ServiceLoader.load(TransportProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.schemes().contains("ws"))
        .findFirst()
        .orElseThrow();
  }

  @BeforeEach
  void startServer() throws Exception {
    server = provider.newServerTransport(URI.create("ws://127.0.0.1:0/rpc"), SETTINGS);
    server.start(service);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.shutdownNow();
    server.shutdown().get(10, TimeUnit.SECONDS);
  }

  private ClientTransport client(String path, Recorder recorder) {
    int port = server.localAddress().getPort();
    ClientTransport client =
        provider.newClientTransport(URI.create("ws://127.0.0.1:" + port + path), SETTINGS);
    client.start(recorder);
    return client;
  }

  private static ClientStream call(ClientTransport client, Recorder recorder, String request) {
    ClientStream stream = client.newStream(EchoService.ECHO, Metadata.EMPTY, null, recorder);
    stream.request(1);
    stream.writeMessage(request);
    stream.halfClose();
    return stream;
  }

  @Test
  void unaryCallStartedBeforeTheConnectionIsUp() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client = client("/rpc", recorder);
    call(client, recorder, "hi");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(recorder.messages).containsExactly("echo:hi");
    assertThat(recorder.ready).isCompleted();

    client.shutdown(Status.UNAVAILABLE.withDescription("done"));
    recorder.terminated.get(10, TimeUnit.SECONDS);
  }

  @Test
  void largeMessageTravelsInSeveralFrames() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client = client("/rpc", recorder);
    String big = "x".repeat(200_000); // several 64 KiB frames each way
    call(client, recorder, big);
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(recorder.messages).containsExactly("echo:" + big);
    client.shutdownNow(Status.CANCELLED);
    recorder.terminated.get(10, TimeUnit.SECONDS);
  }

  @Test
  void refusedConnectionFailsCallsWithUnavailable() throws Exception {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      freePort = socket.getLocalPort();
    }
    Recorder recorder = new Recorder();
    ClientTransport client =
        provider.newClientTransport(URI.create("ws://127.0.0.1:" + freePort + "/rpc"), SETTINGS);
    client.start(recorder);
    call(client, recorder, "hi");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(recorder.shutdown.get(10, TimeUnit.SECONDS).code())
        .isEqualTo(Status.Code.UNAVAILABLE);
    recorder.terminated.get(10, TimeUnit.SECONDS);
    assertThat(recorder.ready).isNotCompleted();
  }

  @Test
  void failedHandshakeFailsCallsWithUnavailable() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client = client("/elsewhere", recorder); // the server answers 404
    call(client, recorder, "hi");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.UNAVAILABLE);
    recorder.terminated.get(10, TimeUnit.SECONDS);
  }

  @Test
  void gracefulShutdownWaitsForOpenCallsThenCompletes() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client = client("/rpc", recorder);
    ClientStream held = client.newStream(EchoService.HOLD, Metadata.EMPTY, null, recorder);
    held.request(1);
    held.writeMessage("wait");
    ServerStream serverSide = service.holding.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> stopped = server.shutdown();
    assertThat(recorder.shutdown.get(10, TimeUnit.SECONDS).code())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(stopped).isNotDone();

    serverSide.writeMessage("late");
    serverSide.close(Status.OK, Metadata.EMPTY);
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(recorder.messages).containsExactly("late");
    stopped.get(10, TimeUnit.SECONDS);
    recorder.terminated.get(10, TimeUnit.SECONDS);
  }

  @Test
  void shutdownNowEndsOpenCalls() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client = client("/rpc", recorder);
    ClientStream held = client.newStream(EchoService.HOLD, Metadata.EMPTY, null, recorder);
    held.request(1);
    held.writeMessage("wait");
    service.holding.get(10, TimeUnit.SECONDS);

    server.shutdownNow();
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.held.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.UNAVAILABLE);
    server.shutdown().get(10, TimeUnit.SECONDS);
    recorder.terminated.get(10, TimeUnit.SECONDS);
  }

  @Test
  void oversizedMessageClosesOnlyThatConnectionWith1009() throws Exception {
    int port = server.localAddress().getPort();
    // the server closes right after its close frame while bytes of the oversized message are still
    // unread, so
    // TCP may reset the connection before the client reads the 1009: either ending is the
    // connection closing
    CompletableFuture<Object> ended = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete(statusCode);
            return null;
          }

          @Override
          public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(error);
          }
        };
    WebSocket jdkClient = // a client that is not Netty, and ignores the limits the server announced
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols(WsPipelines.SUBPROTOCOL)
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/rpc"), listener)
            .get(10, TimeUnit.SECONDS);
    assertThat(jdkClient.getSubprotocol()).isEqualTo(WsPipelines.SUBPROTOCOL);

    // the send itself may fail: the server can close before the whole message is out
    CompletableFuture<WebSocket> unused =
        jdkClient.sendBinary(ByteBuffer.allocate(2 * SETTINGS.maxFrameSize()), true);
    Object ending = ended.get(10, TimeUnit.SECONDS);
    if (ending instanceof Integer code) {
      assertThat(code).isEqualTo(1009);
    } else {
      assertThat(ending).isInstanceOf(java.io.IOException.class);
    }

    Recorder recorder = new Recorder(); // the server still serves other connections
    call(client("/rpc", recorder), recorder, "still there");
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
  }

  @Test
  void tlsSchemesAreServedAndBadTlsParametersRejectedWithAClearMessage() {
    assertThat(provider.schemes()).contains("ws", "wss", "sse", "sses", "h2c", "h2");
    assertThatThrownBy(
            () ->
                provider.newClientTransport(
                    URI.create("wss://127.0.0.1:1/rpc?tls-trust=/no/such.pem"), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-trust names no readable file: /no/such.pem");
    assertThatThrownBy(
            () ->
                provider.newServerTransport(
                    URI.create("ws://127.0.0.1:0/rpc?tls-cert=/c.pem"), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs both tls-cert and tls-key");
  }
}
