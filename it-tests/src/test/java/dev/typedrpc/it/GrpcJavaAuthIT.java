package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcServer;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.auth.RateLimits;
import dev.typedrpc.it.grpc.PeerServiceRpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import typedrpc.it.grpc.PeerGrpc;
import typedrpc.it.grpc.TypedrpcItGrpcPeer.PeerReply;
import typedrpc.it.grpc.TypedrpcItGrpcPeer.PeerRequest;

/**
 * A stock gRPC-Java client with a bearer token over h2c meets a typedrpc server's authentication
 * with the statuses gRPC defines: no or unknown token UNAUTHENTICATED, a principal without the
 * method's role PERMISSION_DENIED, beyond the rate limit RESOURCE_EXHAUSTED with {@code
 * grpc-retry-pushback-ms}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcJavaAuthIT {
  private static final Map<String, Principal> TOKENS =
      Map.of(
          "alice-token", Principal.of("alice", "user"),
          "root-token", Principal.of("root", "admin"));
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final PeerRequest REQUEST = PeerRequest.newBuilder().setText("hi").build();

  private RpcServer server;
  private ManagedChannel managed;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(
                PeerServiceRpc.bind(new PeerServiceImpl())
                    .intercept(PeerServiceRpc.SERVER_STREAM, Authentication.rolesAllowed("admin")))
            .intercept(
                Authentication.required(Authenticator.bearer(TOKENS::get)),
                RateLimits.builder().perPrincipal(3, Duration.ofHours(1)).build())
            .build()
            .start();
    managed =
        NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    managed.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private PeerGrpc.PeerBlockingStub stub(String token) {
    PeerGrpc.PeerBlockingStub stub =
        PeerGrpc.newBlockingStub(managed).withDeadlineAfter(20, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static StatusRuntimeException failure(Runnable call, Status.Code code) {
    StatusRuntimeException[] caught = new StatusRuntimeException[1];
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
              caught[0] = e;
            });
    return caught[0];
  }

  @Test
  void statusesAsGrpcDefinesThem() {
    failure(() -> stub(null).unary(REQUEST), Status.Code.UNAUTHENTICATED);
    failure(() -> stub("stolen").unary(REQUEST), Status.Code.UNAUTHENTICATED);
    PeerReply reply = stub("alice-token").unary(REQUEST);
    assertThat(reply.getText()).isEqualTo("echo:hi");
    failure(
        () -> stub("alice-token").serverStream(REQUEST).forEachRemaining(r -> {}),
        Status.Code.PERMISSION_DENIED);
    stub("root-token").serverStream(REQUEST).forEachRemaining(r -> {});
  }

  @Test
  void rateLimitCarriesGrpcRetryPushback() {
    for (int i = 0; i < 3; i++) {
      stub("alice-token").unary(REQUEST);
    }
    StatusRuntimeException e =
        failure(() -> stub("alice-token").unary(REQUEST), Status.Code.RESOURCE_EXHAUSTED);
    String pushback =
        e.getTrailers()
            .get(Metadata.Key.of(RateLimits.PUSHBACK_TRAILER, Metadata.ASCII_STRING_MARSHALLER));
    assertThat(Long.parseLong(pushback)).isPositive();
  }
}
