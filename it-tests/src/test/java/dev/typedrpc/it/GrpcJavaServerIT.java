package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.it.grpc.PeerReply;
import dev.typedrpc.it.grpc.PeerRequest;
import dev.typedrpc.it.grpc.PeerService;
import dev.typedrpc.it.grpc.PeerServiceRpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import typedrpc.it.grpc.PeerGrpc;
import typedrpc.it.grpc.TypedrpcItGrpcPeer;

/**
 * A typedrpc client pinned to gRPC over HTTP/2 ({@code h2c://}) calls a stock gRPC-Java server that
 * implements the {@code ImplBase} generated from the {@code .proto} the typedrpc processor emitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcJavaServerIT {
  private static final Context.Key<Metadata> HEADERS = Context.key("headers");

  private final GrpcPeer impl = new GrpcPeer();
  private Server server;
  private RpcChannel channel;
  private RpcChannel gzipChannel;
  private PeerService stub;

  @BeforeAll
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(impl, new KeepHeaders()))
            .build()
            .start();
    String target = "h2c://127.0.0.1:" + server.getPort();
    channel = RpcChannel.connect(URI.create(target), ChannelOptions.DEFAULT);
    gzipChannel =
        RpcChannel.connect(URI.create(target + "?grpc-compression=gzip"), ChannelOptions.DEFAULT);
    stub = PeerServiceRpc.newStub(channel);
  }

  @AfterAll
  void stop() throws Exception {
    channel.close();
    gzipChannel.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    impl.hangStarted = new CountDownLatch(1);
    impl.hangCancelled = new CompletableFuture<>();
  }

  @Test
  void unary() {
    assertThat(stub.unary(new PeerRequest("hi", 7))).isEqualTo(new PeerReply("echo:hi", 7));
  }

  @Test
  void serverStreaming() throws Exception {
    List<PeerReply> replies =
        Publishers.collect(stub.serverStream(new PeerRequest("n", 4))).get(10, TimeUnit.SECONDS);
    assertThat(replies).extracting(PeerReply::text).containsExactly("n0", "n1", "n2", "n3");
  }

  @Test
  void clientStreaming() throws Exception {
    List<PeerRequest> requests =
        List.of(new PeerRequest("a", 0), new PeerRequest("b", 0), new PeerRequest("c", 0));
    assertThat(stub.clientStream(Publishers.of(requests)).get(10, TimeUnit.SECONDS))
        .isEqualTo(new PeerReply("a,b,c", 3));
  }

  @Test
  void bidiStreaming() throws Exception {
    List<PeerRequest> requests = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      requests.add(new PeerRequest("w" + i, i));
    }
    List<PeerReply> replies =
        Publishers.collect(stub.bidi(Publishers.of(requests))).get(10, TimeUnit.SECONDS);
    assertThat(replies).hasSize(100).last().isEqualTo(new PeerReply("echo:w99", 99));
  }

  @Test
  void deadlineIsSentAndEnforced() throws Exception {
    PeerService withDeadline =
        PeerServiceRpc.newStub(channel, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)));
    assertThatThrownBy(() -> withDeadline.hang(new PeerRequest("x", 0)).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().code())
                    .isEqualTo(dev.typedrpc.Status.Code.DEADLINE_EXCEEDED));
    assertThat(impl.hangStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(impl.hangCancelled.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(impl.hangDeadlineSeen).as("grpc-timeout reached the server").isTrue();
  }

  @Test
  void cancellationReachesTheServer() throws Exception {
    CompletableFuture<PeerReply> call = stub.hang(new PeerRequest("x", 0));
    assertThat(impl.hangStarted.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel(true);
    assertThat(impl.hangCancelled.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void statusCodeMessageAndTrailers() {
    String message = "\t\nno such room ☺ 😈 100% \r\n";
    assertThatThrownBy(() -> stub.fail(new PeerRequest(message, 5)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(dev.typedrpc.Status.Code.NOT_FOUND);
              assertThat(e.status().description()).isEqualTo(message);
              assertThat(e.trailers().get("x-trailer")).isEqualTo("t1");
            });
  }

  @Test
  void unknownMethodIsUnimplemented() {
    var method =
        dev.typedrpc.MethodDescriptor.of(
            "typedrpc.it.grpc.Peer",
            "Missing",
            dev.typedrpc.CallKind.UNARY,
            dev.typedrpc.it.grpc.PeerServiceRpc.UNARY.requestCodec(),
            dev.typedrpc.it.grpc.PeerServiceRpc.UNARY.responseCodec());
    assertThatThrownBy(
            () ->
                dev.typedrpc.stub.ClientCalls.blockingUnary(
                    channel, method, CallOptions.DEFAULT, new PeerRequest("x", 0)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(dev.typedrpc.Status.Code.UNIMPLEMENTED));
  }

  @Test
  void metadataTextAndBinary() {
    dev.typedrpc.Metadata md =
        dev.typedrpc.Metadata.builder()
            .put("x-peer", "lobby")
            .putBinary("x-peer-bin", new byte[] {1, 2, (byte) 0xab})
            .build();
    PeerService withMetadata =
        PeerServiceRpc.newStub(channel, CallOptions.DEFAULT.withMetadata(md));
    assertThat(withMetadata.unary(new PeerRequest("metadata:x-peer", 0)).text()).isEqualTo("lobby");
    assertThat(withMetadata.unary(new PeerRequest("metadata:x-peer-bin", 0)).text())
        .isEqualTo("0102ab");
  }

  @Test
  void gzipBothWays() {
    String big = "z".repeat(100_000);
    PeerService compressing = PeerServiceRpc.newStub(gzipChannel);
    // "gzip:" makes the gRPC-Java server compress its response; the request was compressed by the
    // client
    assertThat(compressing.unary(new PeerRequest("gzip:" + big, 1)).text())
        .isEqualTo("echo:gzip:" + big);
    assertThat(impl.lastRequestEncoding).isEqualTo("gzip");
  }

  /**
   * Many compressed messages each way on one connection: the client's gzip state, reset between
   * messages, must leave each one whole.
   */
  @Test
  void manyGzipMessagesOnOneConnection() {
    PeerService compressing = PeerServiceRpc.newStub(gzipChannel);
    for (int i = 0; i < 300; i++) {
      String text = "gzip:" + (i + "-abcdefgh").repeat(200 + i * 7);
      assertThat(compressing.unary(new PeerRequest(text, i)))
          .isEqualTo(new PeerReply("echo:" + text, i));
    }
    assertThat(impl.lastRequestEncoding).isEqualTo("gzip");
  }

  @Test
  void largeMessagesBeyondTheFlowControlWindow() {
    String big = "x".repeat(3 << 20);
    assertThat(stub.unary(new PeerRequest(big, 1)).text()).hasSize(big.length() + 5);
  }

  /** Puts each call's request headers into its gRPC {@link Context}. */
  private static final class KeepHeaders implements ServerInterceptor {
    @Override
    public <Q, S> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, S> call, Metadata headers, ServerCallHandler<Q, S> next) {
      return Contexts.interceptCall(
          Context.current().withValue(HEADERS, headers), call, headers, next);
    }
  }

  /** The stock gRPC-Java implementation of the service. */
  private static final class GrpcPeer extends PeerGrpc.PeerImplBase {
    volatile CountDownLatch hangStarted = new CountDownLatch(1);
    volatile CompletableFuture<Boolean> hangCancelled = new CompletableFuture<>();
    volatile boolean hangDeadlineSeen;
    volatile String lastRequestEncoding;

    private static TypedrpcItGrpcPeer.PeerReply reply(String text, long sequence) {
      return TypedrpcItGrpcPeer.PeerReply.newBuilder().setText(text).setSequence(sequence).build();
    }

    @Override
    public void unary(
        TypedrpcItGrpcPeer.PeerRequest request, StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      Metadata headers = HEADERS.get();
      lastRequestEncoding =
          headers.get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER));
      String text = request.getText();
      if (text.startsWith("metadata:")) {
        String key = text.substring("metadata:".length());
        String value =
            key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
                ? HexFormat.of()
                    .formatHex(headers.get(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER)))
                : headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        out.onNext(reply(value, 0));
      } else {
        if (text.startsWith("gzip:")) {
          ((ServerCallStreamObserver<?>) out).setCompression("gzip");
        }
        out.onNext(reply("echo:" + text, request.getCount()));
      }
      out.onCompleted();
    }

    @Override
    public void serverStream(
        TypedrpcItGrpcPeer.PeerRequest request, StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      for (int i = 0; i < request.getCount(); i++) {
        out.onNext(reply(request.getText() + i, i));
      }
      out.onCompleted();
    }

    @Override
    public StreamObserver<TypedrpcItGrpcPeer.PeerRequest> clientStream(
        StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      List<String> texts = new ArrayList<>();
      return new StreamObserver<>() {
        @Override
        public void onNext(TypedrpcItGrpcPeer.PeerRequest value) {
          texts.add(value.getText());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onNext(reply(String.join(",", texts), texts.size()));
          out.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<TypedrpcItGrpcPeer.PeerRequest> bidi(
        StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(TypedrpcItGrpcPeer.PeerRequest value) {
          out.onNext(reply("echo:" + value.getText(), value.getCount()));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }

    @Override
    public void hang(
        TypedrpcItGrpcPeer.PeerRequest request, StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      hangDeadlineSeen = Context.current().getDeadline() != null;
      CompletableFuture<Boolean> cancelled = hangCancelled;
      ((ServerCallStreamObserver<?>) out).setOnCancelHandler(() -> cancelled.complete(true));
      hangStarted.countDown();
    }

    @Override
    public void fail(
        TypedrpcItGrpcPeer.PeerRequest request, StreamObserver<TypedrpcItGrpcPeer.PeerReply> out) {
      Metadata trailers = new Metadata();
      trailers.put(Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER), "t1");
      out.onError(
          Status.fromCodeValue(request.getCount())
              .withDescription(request.getText())
              .asRuntimeException(trailers));
    }
  }
}
