package dev.typedrpc.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.testing.TestCodecs;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stub sizes a request once: its null check is the size pass the transport then frames with, so
 * a request is sized once per call, not twice.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StubSizePassTest {
  private static final AtomicInteger SIZED = new AtomicInteger();

  /** TestCodecs.STRING, counting its size passes; a null fails as a generated codec's does. */
  private static final MessageCodec<String> COUNTING =
      new MessageCodec<>() {
        @Override
        public int encodedSize(String value) {
          SIZED.incrementAndGet();
          if (value == null) {
            throw new NullPointerException("Req.text is null");
          }
          return TestCodecs.STRING.encodedSize(value);
        }

        @Override
        public void encode(String value, CodedOutputStream out) throws IOException {
          TestCodecs.STRING.encode(value, out);
        }

        @Override
        public String decode(CodedInputStream in, int depth) throws IOException {
          return TestCodecs.STRING.decode(in, depth);
        }
      };

  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of("t.Sized", "Echo", CallKind.UNARY, COUNTING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> STREAM =
      MethodDescriptor.of(
          "t.Sized", "Stream", CallKind.SERVER_STREAMING, COUNTING, TestCodecs.STRING);

  @Test
  void aRequestIsSizedOncePerCallAndANullStillThrowsFromTheStub() throws Exception {
    ServerServiceDefinition definition =
        ServerServiceDefinition.builder(ServiceDescriptor.of("t.Sized", 1, List.of(ECHO, STREAM)))
            .unary(ECHO, s -> s)
            .serverStreaming(STREAM, s -> dev.typedrpc.Publishers.fromIterable(List.of(s)))
            .build();
    URI address = URI.create("mem:sized-" + UUID.randomUUID());
    RpcServer server = RpcServer.builder().listen(address).addService(definition).build().start();
    try (RpcChannel channel = RpcChannel.connect(address, ChannelOptions.DEFAULT)) {
      CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
      assertThat(ClientCalls.blockingUnary(channel, ECHO, options, "warm")).isEqualTo("warm");
      SIZED.set(0);
      assertThat(ClientCalls.blockingUnary(channel, ECHO, options, "a")).isEqualTo("a");
      assertThat(ClientCalls.futureUnary(channel, ECHO, options, "b").get()).isEqualTo("b");
      try (var items = ClientCalls.blockingServerStreaming(channel, STREAM, options, "c")) {
        assertThat(items.collect(Collectors.toList())).containsExactly("c");
      }
      assertThat(SIZED.get()).as("size passes for three calls").isEqualTo(3);
      assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, ECHO, options, null))
          .isInstanceOf(NullPointerException.class);
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    } finally {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }
}
