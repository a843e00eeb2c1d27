package dev.typedrpc.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.services.greet.Greeter;
import dev.typedrpc.services.greet.GreeterRpc;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.health.ServingStatus;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.stub.ClientCalls;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Health and reflection with typedrpc's own client on every transport: the same answers as the
 * stock gRPC-Java clients get over h2c ({@link HealthGrpcJavaTest}, {@link
 * ReflectionGrpcJavaTest}).
 */
@Timeout(120)
class EveryTransportTest {
  /** {@code ServerReflectionInfo} as a client that only knows the protos sees it: raw bytes. */
  private static final MethodDescriptor<byte[], byte[]> REFLECTION_INFO =
      MethodDescriptor.of(
          "grpc.reflection.v1.ServerReflection",
          "ServerReflectionInfo",
          CallKind.BIDI_STREAMING,
          Raw.CODEC,
          Raw.CODEC);

  private Fixture fixture;
  private RpcChannel channel;

  private void start(String transport) throws Exception {
    fixture = new Fixture(Fixture.listenFor(transport));
    channel = RpcChannel.connect(fixture.target(transport));
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private ServingStatus check(String service) {
    return ClientCalls.blockingUnary(channel, HealthService.CHECK, CallOptions.DEFAULT, service);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "mem"})
  void healthChecksWatchesAndDrains(String transport) throws Exception {
    start(transport);
    assertThat(check("")).isEqualTo(ServingStatus.SERVING);
    assertThatThrownBy(() -> check(GreeterRpc.SERVICE_NAME))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));

    Watch watch = new Watch();
    ClientCalls.serverStreaming(
            channel, HealthService.WATCH, CallOptions.DEFAULT, GreeterRpc.SERVICE_NAME)
        .subscribe(watch);
    assertThat(watch.next()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.SERVING);
    assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
    assertThat(check(GreeterRpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);

    fixture.server.shutdown();
    assertThat(watch.next()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(watch.end.get(30, TimeUnit.SECONDS)).isNull();
    assertThat(fixture.server.awaitTermination(Fixture.WAIT)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "mem"})
  void reflectionListsAndServesTheSchemas(String transport) throws Exception {
    start(transport);
    List<byte[]> answers =
        Publishers.collectList(
                ClientCalls.bidiStreaming(
                    channel,
                    REFLECTION_INFO,
                    CallOptions.DEFAULT,
                    Publishers.just(
                        ServerReflectionRequest.newBuilder()
                            .setListServices("")
                            .build()
                            .toByteArray(),
                        ServerReflectionRequest.newBuilder()
                            .setFileContainingSymbol("test.greet.Greeter.Greet")
                            .build()
                            .toByteArray())))
            .get(30, TimeUnit.SECONDS);
    assertThat(answers).hasSize(2);
    assertThat(
            ServerReflectionResponse.parseFrom(answers.get(0))
                .getListServicesResponse()
                .getServiceList())
        .extracting(ServiceResponse::getName)
        .contains(GreeterRpc.SERVICE_NAME, HealthService.SERVICE_NAME);
    ServerReflectionResponse file = ServerReflectionResponse.parseFrom(answers.get(1));
    FileDescriptorProto greeter =
        FileDescriptorProto.parseFrom(file.getFileDescriptorResponse().getFileDescriptorProto(0));
    assertThat(greeter.toByteString()).isEqualTo(GreeterRpc.DESCRIPTOR.fileDescriptor());
    assertThat(greeter.getService(0).getName()).isEqualTo(Greeter.class.getSimpleName());
  }

  /** Statuses received by a {@code Watch}; {@code end} completes with null or the failure. */
  private static final class Watch implements Flow.Subscriber<ServingStatus> {
    final BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> end = new CompletableFuture<>();

    ServingStatus next() throws InterruptedException {
      ServingStatus s = statuses.poll(30, TimeUnit.SECONDS);
      assertThat(s).as("a status within 30 s (ended: %s)", end).isNotNull();
      return s;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ServingStatus item) {
      statuses.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      end.complete(throwable);
    }

    @Override
    public void onComplete() {
      end.complete(null);
    }
  }

  /** Messages as their bytes. */
  private static final class Raw {
    static final MessageCodec<byte[]> CODEC =
        new MessageCodec<>() {
          @Override
          public int encodedSize(byte[] value) {
            return value.length;
          }

          @Override
          public void encode(byte[] value, CodedOutputStream out) throws IOException {
            out.writeRawBytes(value);
          }

          @Override
          public byte[] decode(CodedInputStream in, int depth) throws IOException {
            return com.google.protobuf.UnknownFieldSet.parseFrom(in).toByteArray();
          }
        };
  }
}
