package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.stub.GeneratedStub;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Views of a stub with other call options, over the in-memory transport. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RpcStubsTest {
  /** The service as a user would declare it. */
  interface Conformance {
    String header(String key);

    String sleep(String ignored);
  }

  /** What the processor generates for it. */
  record Stub(RpcChannel channel, CallOptions options)
      implements Conformance, GeneratedStub<Conformance> {
    @Override
    public String header(String key) {
      return ClientCalls.blockingUnary(channel, ConformanceService.HEADER, options, key);
    }

    @Override
    public String sleep(String ignored) {
      return ClientCalls.blockingUnary(channel, ConformanceService.SLEEP, options, ignored);
    }

    @Override
    public CallOptions rpcCallOptions() {
      return options;
    }

    @Override
    public Conformance rpcWithCallOptions(CallOptions options) {
      return new Stub(channel, options);
    }
  }

  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = "mem:rpc-stubs-" + System.nanoTime();
    server =
        RpcServer.builder()
            .listen(URI.create(name))
            .addService(new ConformanceService().definition())
            .build()
            .start();
    channel = RpcChannel.connect(URI.create(name));
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aViewAddsOptionsAndLeavesTheStubAsItWas() {
    Conformance stub =
        new Stub(channel, CallOptions.DEFAULT.withMetadata(Metadata.of("x-a", "base")));
    Conformance view = RpcStubs.withMetadata(stub, Metadata.of("x-b", "view"));
    assertThat(view.header("x-a")).isEqualTo("base");
    assertThat(view.header("x-b")).isEqualTo("view");
    assertThat(stub.header("x-b")).isEqualTo("null");
    assertThat(RpcStubs.callOptions(stub).metadata().get("x-b")).isNull();
    assertThat(RpcStubs.callOptions(view).metadata().get("x-b")).isEqualTo("view");
  }

  @Test
  void deadlineAndResponseMetadataPerCall() {
    Conformance stub = new Stub(channel, CallOptions.DEFAULT);
    ResponseMetadata response = new ResponseMetadata();
    assertThatThrownBy(
            () ->
                RpcStubs.withOptions(
                        stub,
                        o -> o.withTimeout(Duration.ofMillis(100)).withResponseMetadata(response))
                    .sleep("x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(response.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(response.headers()).isEqualTo(Metadata.EMPTY);
    assertThat(RpcStubs.withDeadlineAfter(stub, Duration.ofSeconds(5)).header("x"))
        .isEqualTo("null");
  }

  @Test
  void waitForReadyAndCompressionTravelWithTheView() {
    Conformance stub = new Stub(channel, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
    Conformance view = RpcStubs.withCompression(RpcStubs.withWaitForReady(stub), "gzip");
    assertThat(RpcStubs.callOptions(view).isWaitForReady()).isTrue();
    assertThat(RpcStubs.callOptions(view).compression()).isEqualTo("gzip");
    assertThat(RpcStubs.callOptions(stub).isWaitForReady()).isFalse();
    assertThat(view.header("x-a")).isEqualTo("null");
  }

  @Test
  void somethingElseIsRefusedWithAHint() {
    Conformance handWritten =
        new Conformance() {
          @Override
          public String header(String key) {
            return key;
          }

          @Override
          public String sleep(String ignored) {
            return ignored;
          }
        };
    assertThatThrownBy(() -> RpcStubs.withDeadlineAfter(handWritten, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a generated client stub");
    assertThatThrownBy(() -> CallOptions.DEFAULT.withCompression("br"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use gzip or identity");
  }
}
