package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.it.grpc.PeerReply;
import dev.typedrpc.it.grpc.PeerRequest;
import dev.typedrpc.it.grpc.PeerService;
import dev.typedrpc.it.grpc.PeerServiceRpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proto3 JSON messages on the frame transports ({@code ?message-encoding=json}) with a generated
 * service: every call kind over WebSocket and SSE, and the bytes a WebSocket connection carries
 * from the server: readable JSON with it, binary without.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonMessagesIT {
  private RpcServer server;
  private RpcChannel channel;

  private PeerService connect(String target) throws Exception {
    channel = RpcChannel.connect(URI.create(target));
    return channel.stub(PeerService.class);
  }

  private URI start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(PeerServiceRpc.bind(new PeerServiceImpl()))
            .build()
            .start();
    return server.address();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse"})
  void everyCallKindRoundTrips(String scheme) throws Exception {
    URI address = start();
    PeerService peer =
        connect(
            scheme
                + "://"
                + address.getRawAuthority()
                + address.getRawPath()
                + "?message-encoding=json");

    assertThat(peer.unary(new PeerRequest("hi ☺", 7))).isEqualTo(new PeerReply("echo:hi ☺", 7));
    assertThat(
            Publishers.collect(peer.serverStream(new PeerRequest("n", 3)))
                .get(10, TimeUnit.SECONDS))
        .containsExactly(new PeerReply("n0", 0), new PeerReply("n1", 1), new PeerReply("n2", 2));
    List<PeerRequest> requests =
        List.of(new PeerRequest("a", 0), new PeerRequest("b", 0), new PeerRequest("c", 0));
    assertThat(peer.clientStream(Publishers.of(requests)).get(10, TimeUnit.SECONDS))
        .isEqualTo(new PeerReply("a,b,c", 3));
    assertThat(Publishers.collect(peer.bidi(Publishers.of(requests))).get(10, TimeUnit.SECONDS))
        .extracting(PeerReply::text)
        .containsExactly("echo:a", "echo:b", "echo:c");
  }

  @Test
  void theServersFramesCarryReadableJson() throws Exception {
    URI address = start();
    try (CapturingRelay relay = new CapturingRelay(address.getPort())) {
      PeerService peer =
          connect(
              "ws://127.0.0.1:" + relay.port() + address.getRawPath() + "?message-encoding=json");
      assertThat(peer.unary(new PeerRequest("captured", 41)).sequence()).isEqualTo(41);
      assertThat(relay.downstream())
          .as("a 64-bit integer is a string in proto3 JSON")
          .contains("{\"text\":\"echo:captured\",\"sequence\":\"41\"}");
    }
  }

  @Test
  void withoutTheParameterTheFramesAreBinary() throws Exception {
    URI address = start();
    try (CapturingRelay relay = new CapturingRelay(address.getPort())) {
      PeerService peer = connect("ws://127.0.0.1:" + relay.port() + address.getRawPath());
      assertThat(peer.unary(new PeerRequest("captured", 41)).sequence()).isEqualTo(41);
      assertThat(relay.downstream()).contains("echo:captured").doesNotContain("\"text\"");
    }
  }

  /**
   * Relays one TCP connection to the server, keeping what the server sent (WebSocket frames from a
   * server are not masked, so the payloads show as they are).
   */
  private static final class CapturingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private final Thread acceptor;
    private volatile Socket client;
    private volatile Socket upstream;

    CapturingRelay(int serverPort) throws IOException {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                try {
                  client = listener.accept();
                  upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                  Thread up = new Thread(() -> copy(client, upstream, null), "relay-up");
                  up.setDaemon(true);
                  up.start();
                  copy(upstream, client, fromServer);
                } catch (IOException e) {
                  // closed
                }
              },
              "relay");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    String downstream() {
      synchronized (fromServer) {
        return fromServer.toString(StandardCharsets.UTF_8);
      }
    }

    private static void copy(Socket from, Socket to, ByteArrayOutputStream capture) {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (capture != null) {
            synchronized (capture) {
              capture.write(buffer, 0, n);
            }
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a side closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      Socket c = client;
      Socket u = upstream;
      if (c != null) {
        c.close();
      }
      if (u != null) {
        u.close();
      }
      try {
        acceptor.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
