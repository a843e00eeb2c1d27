package dev.typedrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.MessageCodec;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A stock gRPC-Java client that sends {@code traceparent}: the typedrpc server continues it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcClientTraceTest {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT_ID = "b7ad6b7169203331";

  private RpcServer server;
  private ManagedChannel grpc;

  @AfterEach
  void stop() throws Exception {
    if (grpc != null) {
      grpc.shutdownNow();
      assertThat(grpc.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aGrpcClientsTraceparentIsTheServerSpansParent() throws Exception {
    server =
        RpcServer.builder()
            .listen(Loopback.LISTEN)
            .intercept(RpcTracing.create(otel.getOpenTelemetry()).serverInterceptor())
            .addService(RelayRpc.bind(new RelayImpl(null)))
            .build()
            .start();
    grpc =
        NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort())
            .usePlaintext()
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + TRACE_ID + "-" + PARENT_ID + "-01");
    MethodDescriptor<RelayRpc.HopRequest, String> hop =
        MethodDescriptor.<RelayRpc.HopRequest, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(RelayRpc.HOP.fullName())
            .setRequestMarshaller(marshaller(RelayRpc.HOP.requestCodec()))
            .setResponseMarshaller(marshaller(RelayRpc.HOP.responseCodec()))
            .build();

    String answer =
        ClientCalls.blockingUnaryCall(
            ClientInterceptors.intercept(grpc, MetadataUtils.newAttachHeadersInterceptor(headers)),
            hop,
            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
            new RelayRpc.HopRequest("from grpc"));

    assertThat(answer).isEqualTo("end:from grpc");
    Loopback.await(() -> otel.getSpans().size() == 1);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(span.getName()).isEqualTo("typedrpc.test.Relay/Hop");
  }

  private static <T> MethodDescriptor.Marshaller<T> marshaller(MessageCodec<T> codec) {
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(T value) {
        return new ByteArrayInputStream(codec.toByteArray(value));
      }

      @Override
      public T parse(InputStream stream) {
        try {
          return codec.parseFrom(stream.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
