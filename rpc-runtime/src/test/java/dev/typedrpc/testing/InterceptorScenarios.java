package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallObserver;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Metadata;
import dev.typedrpc.Publishers;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One server interceptor and one client interceptor around calls of every kind, on one transport:
 * each side writes down what it saw of each call (method, the header the client interceptor added,
 * messages each way, final status and a trailer), and both must have seen the same on every
 * transport. Used by {@link AbstractTransportConformanceTest}.
 */
final class InterceptorScenarios implements AutoCloseable {
  /** Request metadata the client interceptor adds: the method's name. */
  static final String HEADER = "x-intercepted";

  /** A request carrying this header is rejected by the server's second interceptor. */
  static final String REJECT = "x-reject";

  private final BlockingQueue<String> serverSaw = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> clientSaw = new LinkedBlockingQueue<>();
  private final RpcServer server;
  private final RpcChannel channel;

  InterceptorScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings)
      throws Exception {
    ServerInterceptor rejecting =
        call -> {
          if (call.headers().get(REJECT) != null) {
            throw Status.PERMISSION_DENIED
                .withDescription("rejected by an interceptor")
                .asException(Metadata.of("x-reason", call.headers().get(REJECT)));
          }
          return CallObserver.NONE;
        };
    ServerInterceptor recording =
        call -> new Recorder(call.method().fullName(), call.headers().get(HEADER), serverSaw);
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(new ConformanceService().definition())
            .intercept(recording, rejecting)
            .transportSettings(settings)
            .build()
            .start();
    ClientInterceptor tagging =
        call -> {
          String name = call.method().methodName();
          call.addHeader(HEADER, name);
          return new Recorder(call.method().fullName(), name, clientSaw);
        };
    channel =
        RpcChannel.connect(
            clientUri.apply(server.address()),
            ChannelOptions.DEFAULT.withTransport(settings).withInterceptors(tagging));
  }

  /** Counts a call's messages and writes one line when it closes. */
  private static final class Recorder implements CallObserver {
    private final String method;
    private final String header;
    private final BlockingQueue<String> into;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();

    Recorder(String method, String header, BlockingQueue<String> into) {
      this.method = method;
      this.header = header;
      this.into = into;
    }

    @Override
    public void onRequest(Object message) {
      requests.incrementAndGet();
    }

    @Override
    public void onResponse(Object message) {
      responses.incrementAndGet();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      into.add(
          method
              + " header="
              + header
              + " requests="
              + requests
              + " responses="
              + responses
              + " status="
              + status.code()
              + " x-reason="
              + trailers.get("x-reason"));
    }
  }

  /** Unary, server-, client- and bidi-streaming calls: both sides see the same of each. */
  void everyCallKindIsSeenTheSameOnBothSides() throws Exception {
    String service = ConformanceService.NAME + "/";
    assertThat(
            ClientCalls.blockingUnary(channel, ConformanceService.ECHO, CallOptions.DEFAULT, "a"))
        .isEqualTo("a");
    expectBoth(service + "Echo header=Echo requests=1 responses=1 status=OK x-reason=null");

    assertThat(
            Publishers.toStream(
                    ClientCalls.serverStreaming(
                        channel, ConformanceService.COUNT, CallOptions.DEFAULT, "3"))
                .toList())
        .hasSize(3);
    expectBoth(service + "Count header=Count requests=1 responses=3 status=OK x-reason=null");

    assertThat(
            ClientCalls.clientStreaming(
                    channel,
                    ConformanceService.JOIN,
                    CallOptions.DEFAULT,
                    Publishers.just("a", "b", "c"))
                .get(20, TimeUnit.SECONDS))
        .isEqualTo("abc");
    expectBoth(service + "Join header=Join requests=3 responses=1 status=OK x-reason=null");

    assertThat(
            Publishers.toStream(
                    ClientCalls.bidiStreaming(
                        channel,
                        ConformanceService.CHAT,
                        CallOptions.DEFAULT,
                        Publishers.just("a", "b")))
                .toList())
        .containsExactly("echo:a", "echo:b");
    expectBoth(service + "Chat header=Chat requests=2 responses=2 status=OK x-reason=null");

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel, ConformanceService.FAIL, CallOptions.DEFAULT, "status"))
        .isInstanceOf(RpcException.class);
    expectBoth(
        service
            + "Fail header=Fail requests=1 responses=0 status=FAILED_PRECONDITION x-reason=null");
  }

  /**
   * A rejection by the server's second interceptor: the client gets its status and trailers; the
   * first interceptor sees the call close with them; the implementation never runs.
   */
  void aRejectionReachesTheClientAndTheOuterInterceptor() throws Exception {
    ResponseMetadata response = new ResponseMetadata();
    CallOptions options =
        CallOptions.DEFAULT
            .withMetadata(Metadata.of(REJECT, "no-entry"))
            .withResponseMetadata(response);
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, ConformanceService.ECHO, options, "a"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.status().description()).isEqualTo("rejected by an interceptor");
            });
    assertThat(response.trailers().get("x-reason")).isEqualTo("no-entry");
    String echo = ConformanceService.NAME + "/Echo header=Echo";
    // the rejection races the client's request: an observer sees nothing after the close, so the
    // request counts only if it went out before the rejection came back
    assertThat(next(clientSaw))
        .isIn(
            echo + " requests=1 responses=0 status=PERMISSION_DENIED x-reason=no-entry",
            echo + " requests=0 responses=0 status=PERMISSION_DENIED x-reason=no-entry");
    assertThat(next(serverSaw))
        .isEqualTo(echo + " requests=0 responses=0 status=PERMISSION_DENIED x-reason=no-entry");
    // a client-streaming call is rejected before its implementation sees a request
    assertThatThrownBy(
            () ->
                ClientCalls.clientStreaming(
                        channel, ConformanceService.JOIN, options, Publishers.just("a"))
                    .get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RpcException.class);
    assertThat(next(serverSaw))
        .isEqualTo(
            ConformanceService.NAME
                + "/Join header=Join requests=0 responses=0 status=PERMISSION_DENIED"
                + " x-reason=no-entry");
  }

  private void expectBoth(String line) throws InterruptedException {
    assertThat(next(clientSaw)).as("client").isEqualTo(line);
    assertThat(next(serverSaw)).as("server").isEqualTo(line);
  }

  private static String next(BlockingQueue<String> saw) throws InterruptedException {
    String line = saw.poll(20, TimeUnit.SECONDS);
    assertThat(line).as("a call closed").isNotNull();
    return line;
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }
}
