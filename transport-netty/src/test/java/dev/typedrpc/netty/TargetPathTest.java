package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The path of a target means the same on every transport: a negotiated {@code typedrpc://} target
 * with a wrong path fails whichever transport it tries (over HTTP/2 too, through the endpoint
 * check), a path-less one means {@code /rpc} for each, and the address parts one transport would
 * honour and another ignore (query, user info, fragment) are refused with {@code
 * IllegalArgumentException} when the channel first connects, as a malformed address is on every
 * scheme.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TargetPathTest {
  private final ConformanceService service = new ConformanceService();
  private RpcServer server;
  private String authority;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/api"))
            .addService(service.definition())
            .build()
            .start();
    authority = server.address().getRawAuthority();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aWrongPathFailsOnEveryNegotiatedTransportAlike() throws Exception {
    for (List<String> order : List.of(List.of("ws"), List.of("h2c"), List.of("sse"))) {
      String described =
          failure(URI.create("typedrpc://" + authority + "/wrong-path"), order).description();
      assertThat(described)
          .as("%s", order)
          .contains(
              "no typedrpc endpoint at /wrong-path on " + authority + " (it answered HTTP 404");
    }
    Status all =
        failure(URI.create("typedrpc://" + authority + "/wrong-path"), List.of("ws", "h2c", "sse"));
    assertThat(all.code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(all.description()).startsWith("no transport could connect to typedrpc://");
    assertThat(all.description().split("no typedrpc endpoint at /wrong-path", -1)).hasSize(4);
  }

  @Test
  void aTargetWithoutPathMeansRpcOnEveryTransport() throws Exception {
    for (List<String> order : List.of(List.of("ws"), List.of("h2c"), List.of("sse"))) {
      assertThat(failure(URI.create("typedrpc://" + authority), order).description())
          .as("%s", order)
          .contains("no typedrpc endpoint at /rpc on " + authority);
    }
  }

  @Test
  void theRightPathWorksOnEveryTransportAndOverH2cWithOrWithoutIt() throws Exception {
    for (List<String> order : List.of(List.of("ws"), List.of("h2c"), List.of("sse"))) {
      assertThat(echo(URI.create("typedrpc://" + authority + "/api"), order)).isEqualTo("ok");
    }
    assertThat(echo(URI.create("h2c://" + authority + "/api"), List.of())).isEqualTo("ok");
    assertThat(echo(URI.create("h2c://" + authority), List.of())).isEqualTo("ok");
  }

  @Test
  void addressPartsOneTransportWouldIgnoreAreRefusedLikeAnyMalformedAddress() {
    for (String target :
        List.of(
            "typedrpc://" + authority + "/api?grpc-compression=gzip",
            "typedrpc://user@" + authority + "/api",
            "typedrpc://" + authority + "/api#x",
            "ws://user@" + authority + "/api",
            "h2c://user@" + authority,
            "h2c://" + authority + "/api#x",
            "ws://" + authority + "/api?grpc-compression=gzip")) {
      assertThatThrownBy(() -> echo(URI.create(target), List.of()), target)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(target);
    }
  }

  private Status failure(URI target, List<String> order) throws Exception {
    try (RpcChannel channel = RpcChannel.connect(target, options(order))) {
      try {
        ClientCalls.blockingUnary(channel, ConformanceService.ECHO, deadline(), "x");
      } catch (RpcException e) {
        assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
        return e.status();
      } finally {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
    }
    throw new AssertionError(target + " " + order + " connected");
  }

  private String echo(URI target, List<String> order) throws Exception {
    try (RpcChannel channel = RpcChannel.connect(target, options(order))) {
      try {
        return ClientCalls.blockingUnary(channel, ConformanceService.ECHO, deadline(), "ok");
      } finally {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
    }
  }

  private static ChannelOptions options(List<String> order) {
    return order.isEmpty()
        ? ChannelOptions.DEFAULT
        : ChannelOptions.DEFAULT.withTransportOrder(order);
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
  }
}
