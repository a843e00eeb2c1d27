package dev.typedrpc.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import dev.typedrpc.services.greet.GreeterImpl;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What grpcurl does, with gRPC-Java's stock reflection stubs over h2c: list the services, fetch the
 * schema of one (by symbol, then its dependencies by file name), build {@link FileDescriptor}s from
 * it and call a method with {@link DynamicMessage}s built from them.
 */
@Timeout(120)
class ReflectionGrpcJavaTest {
  private Fixture fixture;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture("ws://127.0.0.1:0/rpc");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    fixture.close();
  }

  @Test
  void listsEveryServiceIncludingHealthAndItself() throws Exception {
    try (Session s = new Session()) {
      ServerReflectionResponse r =
          s.ask(ServerReflectionRequest.newBuilder().setHost("h").setListServices("*").build());
      assertThat(r.getValidHost()).isEqualTo("h");
      assertThat(r.getOriginalRequest().getListServices()).isEqualTo("*");
      assertThat(r.getListServicesResponse().getServiceList())
          .extracting(ServiceResponse::getName)
          .containsExactly(
              "test.greet.Greeter",
              "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection",
              "grpc.reflection.v1alpha.ServerReflection");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDynamicMessageBuiltFromTheFetchedSchemaCallsTheService() throws Exception {
    FileDescriptor file;
    try (Session s = new Session()) {
      file = s.resolve("test.greet.Greeter");
    }
    ServiceDescriptor service = file.findServiceByName("Greeter");
    MethodDescriptor greet = service.findMethodByName("Greet");
    Descriptor in = greet.getInputType();
    DynamicMessage request =
        DynamicMessage.newBuilder(in)
            .setField(in.findFieldByName("name"), "Ada")
            .setField(in.findFieldByName("times"), 2)
            .setField(
                in.findFieldByName("mood"),
                in.findFieldByName("mood").getEnumType().findValueByNumber(1))
            .build();

    DynamicMessage reply = call(greet, request);

    Descriptor out = greet.getOutputType();
    assertThat(reply.getField(out.findFieldByName("message"))).isEqualTo("HELLO Ada");
    assertThat((List<Object>) reply.getField(out.findFieldByName("parts")))
        .containsExactly("HELLO", "HELLO");
    List<?> counts = (List<?>) reply.getField(out.findFieldByName("counts"));
    assertThat(counts).hasSize(1);
    Message entry = (Message) counts.get(0);
    Descriptor entryType = entry.getDescriptorForType();
    assertThat(entry.getField(entryType.findFieldByName("key"))).isEqualTo("Ada");
    assertThat(entry.getField(entryType.findFieldByName("value"))).isEqualTo(2);
    Message at = (Message) reply.getField(out.findFieldByName("at"));
    assertThat(at.getField(at.getDescriptorForType().findFieldByName("seconds")))
        .isEqualTo(GreeterImpl.AT.getEpochSecond());

    MethodDescriptor count = service.findMethodByName("Count");
    assertThat(count.getInputType().getFullName()).isEqualTo("google.protobuf.Empty");
    DynamicMessage n = call(count, DynamicMessage.getDefaultInstance(count.getInputType()));
    FieldDescriptor value = count.getOutputType().getFields().get(0);
    assertThat(n.getField(value)).isEqualTo(42L);
  }

  @Test
  void healthAndReflectionDescribeThemselves() throws Exception {
    try (Session s = new Session()) {
      ServiceDescriptor health =
          s.resolve("grpc.health.v1.Health.Check").findServiceByName("Health");
      assertThat(health.getFullName()).isEqualTo("grpc.health.v1.Health");
      assertThat(health.getMethods())
          .extracting(MethodDescriptor::getName)
          .containsExactly("Check", "Watch");
      assertThat(health.findMethodByName("Watch").isServerStreaming()).isTrue();
      // the schema reflection serves of itself is the official one: parse a stock message with it
      FileDescriptor reflection = s.resolve("grpc.reflection.v1.ServerReflectionRequest");
      ServerReflectionRequest stock =
          ServerReflectionRequest.newBuilder().setHost("x").setFileByFilename("f").build();
      DynamicMessage parsed =
          DynamicMessage.parseFrom(
              reflection.findMessageTypeByName("ServerReflectionRequest"), stock.toByteString());
      assertThat(parsed.toByteString()).isEqualTo(stock.toByteString());
      assertThat(parsed.getAllFields()).hasSize(2);
    }
  }

  @Test
  void unknownNamesAreNotFoundAndTheStreamGoesOn() throws Exception {
    try (Session s = new Session()) {
      ServerReflectionResponse symbol =
          s.ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol("no.Such").build());
      assertThat(symbol.getErrorResponse().getErrorCode()).isEqualTo(Status.Code.NOT_FOUND.value());
      ServerReflectionResponse file =
          s.ask(ServerReflectionRequest.newBuilder().setFileByFilename("no.proto").build());
      assertThat(file.getErrorResponse().getErrorCode()).isEqualTo(Status.Code.NOT_FOUND.value());
      ServerReflectionResponse extensions =
          s.ask(
              ServerReflectionRequest.newBuilder()
                  .setAllExtensionNumbersOfType("test.greet.HelloRequest")
                  .build());
      assertThat(extensions.getAllExtensionNumbersResponse().getBaseTypeName())
          .isEqualTo("test.greet.HelloRequest");
      assertThat(extensions.getAllExtensionNumbersResponse().getExtensionNumberList()).isEmpty();
      ServerReflectionResponse none = s.ask(ServerReflectionRequest.getDefaultInstance());
      assertThat(none.getErrorResponse().getErrorCode())
          .isEqualTo(Status.Code.UNIMPLEMENTED.value());
      assertThat(
              s.ask(ServerReflectionRequest.newBuilder().setListServices("").build())
                  .hasListServicesResponse())
          .isTrue();
    }
  }

  @Test
  void v1alphaAnswersTheSame() throws Exception {
    BlockingQueue<io.grpc.reflection.v1alpha.ServerReflectionResponse> responses =
        new LinkedBlockingQueue<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(observer(responses));
    requests.onNext(
        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("test.greet.Greeter")
            .build());
    io.grpc.reflection.v1alpha.ServerReflectionResponse r = responses.poll(30, TimeUnit.SECONDS);
    requests.onCompleted();
    assertThat(r).isNotNull();
    List<ByteString> files = r.getFileDescriptorResponse().getFileDescriptorProtoList();
    assertThat(FileDescriptorProto.parseFrom(files.get(0)).getName())
        .isEqualTo("test.greet.Greeter.proto");
    assertThat(files).hasSize(3); // with google/protobuf/empty.proto and timestamp.proto
  }

  private DynamicMessage call(MethodDescriptor method, DynamicMessage request) {
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpc =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(
                io.grpc.MethodDescriptor.generateFullMethodName(
                    method.getService().getFullName(), method.getName()))
            .setRequestMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
            .setResponseMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
            .build();
    return ClientCalls.blockingUnaryCall(
        channel, grpc, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
  }

  private static <T> StreamObserver<T> observer(BlockingQueue<T> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  /** One {@code ServerReflectionInfo} stream, asked one question at a time. */
  private final class Session implements AutoCloseable {
    private final BlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    private final StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel).serverReflectionInfo(observer(responses));

    ServerReflectionResponse ask(ServerReflectionRequest request) throws InterruptedException {
      requests.onNext(request);
      ServerReflectionResponse r = responses.poll(30, TimeUnit.SECONDS);
      assertThat(r).as("an answer to %s", request).isNotNull();
      return r;
    }

    /**
     * The file defining {@code symbol}, built with its dependencies: those the answer did not carry
     * are fetched by file name.
     */
    FileDescriptor resolve(String symbol) throws Exception {
      Map<String, FileDescriptorProto> protos = new HashMap<>();
      ServerReflectionResponse r =
          ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
      assertThat(r.hasFileDescriptorResponse()).as("%s", r).isTrue();
      String name = null;
      for (ByteString b : r.getFileDescriptorResponse().getFileDescriptorProtoList()) {
        FileDescriptorProto p = FileDescriptorProto.parseFrom(b);
        name = name == null ? p.getName() : name;
        protos.put(p.getName(), p);
      }
      return build(name, protos, new HashMap<>());
    }

    private FileDescriptor build(
        String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built)
        throws Exception {
      if (built.containsKey(name)) {
        return built.get(name);
      }
      if (!protos.containsKey(name)) {
        ServerReflectionResponse r =
            ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
        for (ByteString b : r.getFileDescriptorResponse().getFileDescriptorProtoList()) {
          FileDescriptorProto p = FileDescriptorProto.parseFrom(b);
          protos.putIfAbsent(p.getName(), p);
        }
      }
      FileDescriptorProto proto = protos.get(name);
      assertThat(proto).as("file %s", name).isNotNull();
      List<FileDescriptor> deps = new ArrayList<>();
      for (String dep : proto.getDependencyList()) {
        deps.add(build(dep, protos, built));
      }
      FileDescriptor file = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
      built.put(name, file);
      return file;
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }
}
