package dev.typedrpc.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallObserver;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Metadata;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Client interceptors over the in-memory transport: headers, order, rejection, observers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientInterceptorTest {
  private final ConformanceService service = new ConformanceService();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final URI address = URI.create("mem:client-interceptors-" + UUID.randomUUID());
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void startServer() throws Exception {
    server = RpcServer.builder().listen(address).addService(service.definition()).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private ClientInterceptor recording(String name) {
    return call -> {
      events.add(name + " intercept " + call.method().methodName() + " " + call.headers());
      call.addHeader("x-by", name);
      return new CallObserver() {
        @Override
        public void onRequest(Object message) {
          events.add(name + " request " + message);
        }

        @Override
        public void onResponse(Object message) {
          events.add(name + " response " + message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          events.add(name + " close " + status.code());
        }

        @Override
        public void run(Runnable code) {
          events.add(name + " run{");
          code.run();
          events.add(name + " }");
        }
      };
    };
  }

  @Test
  void channelInterceptorsRunBeforeTheCallsAndTheirHeadersGoOut() {
    channel =
        RpcChannel.connect(address, ChannelOptions.DEFAULT.withInterceptors(recording("channel")));
    CallOptions options =
        CallOptions.DEFAULT
            .withMetadata(Metadata.of("x-opt", "1"))
            .withInterceptors(recording("call"));
    assertThat(
            ClientCalls.blockingUnary(channel, ConformanceService.METADATA_ECHO, options, "x-by"))
        .isEqualTo("x-by=" + hex("channel") + "|" + hex("call"));
    assertThat(events)
        .startsWith(
            "channel intercept MetadataEcho Metadata[x-opt=1]",
            "call intercept MetadataEcho Metadata[x-opt=1, x-by=channel]",
            "channel request x-by",
            "call request x-by")
        .containsSubsequence(
            "call response x-by=" + hex("channel") + "|" + hex("call"),
            "channel response x-by=" + hex("channel") + "|" + hex("call"),
            "call close OK",
            "channel close OK")
        .containsSubsequence("channel run{", "call run{", "call }", "channel }");
  }

  private static String hex(String s) {
    return java.util.HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aRejectionFailsTheCallBeforeItIsSent() {
    AtomicInteger later = new AtomicInteger();
    channel =
        RpcChannel.connect(
            address,
            ChannelOptions.DEFAULT.withInterceptors(
                recording("outer"),
                call -> {
                  throw Status.PERMISSION_DENIED.withDescription("not today").asException();
                },
                call -> {
                  later.incrementAndGet();
                  return CallObserver.NONE;
                }));
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel, ConformanceService.SLEEP, CallOptions.DEFAULT, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.status().description()).isEqualTo("not today");
            });
    assertThat(later).hasValue(0);
    assertThat(service.sleepStarted.getCount()).as("the call was sent").isEqualTo(1);
    assertThat(events)
        .contains("outer close PERMISSION_DENIED")
        .noneMatch(e -> e.contains("request"));
  }

  @Test
  void observersSeeEveryMessageOfAStream() {
    channel = RpcChannel.connect(address);
    CallOptions options = CallOptions.DEFAULT.withInterceptors(recording("o"));
    assertThat(
            Publishers.toStream(
                    ClientCalls.bidiStreaming(
                        channel, ConformanceService.CHAT, options, Publishers.just("a", "b")))
                .toList())
        .containsExactly("echo:a", "echo:b");
    assertThat(events)
        .filteredOn(e -> !e.contains("run") && !e.endsWith("}"))
        .containsExactlyInAnyOrder(
            "o intercept Chat Metadata[]",
            "o request a",
            "o request b",
            "o response echo:a",
            "o response echo:b",
            "o close OK");
    assertThat(events.get(events.size() - 1)).isIn("o close OK", "o }");
  }

  @Test
  void anObserverThatRefusesAResponseEndsTheCallWithItsStatus() {
    channel = RpcChannel.connect(address);
    ClientInterceptor refuse =
        call ->
            new CallObserver() {
              @Override
              public void onResponse(Object message) {
                throw Status.DATA_LOSS.withDescription("refused").asException();
              }
            };
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel,
                    ConformanceService.ECHO,
                    CallOptions.DEFAULT.withInterceptors(refuse),
                    "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS));
  }
}
