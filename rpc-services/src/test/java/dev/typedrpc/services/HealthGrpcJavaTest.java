package dev.typedrpc.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.services.greet.GreeterRpc;
import dev.typedrpc.services.health.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gRPC-Java's stock {@code HealthGrpc} stub against typedrpc's health service over h2c. */
@Timeout(120)
class HealthGrpcJavaTest {
  private Fixture fixture;
  private ManagedChannel channel;
  private HealthGrpc.HealthBlockingStub blocking;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture("ws://127.0.0.1:0/rpc");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.port()).usePlaintext().build();
    blocking = HealthGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    fixture.close();
  }

  private HealthCheckResponse.ServingStatus check(String service) {
    return blocking
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void checkAnswersTheStatusTheApplicationSetAndNotFoundForOthers() {
    assertThat(check("")).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThatThrownBy(() -> check(GreeterRpc.SERVICE_NAME))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.SERVING);
    assertThat(check(GreeterRpc.SERVICE_NAME)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    assertThat(check(GreeterRpc.SERVICE_NAME))
        .isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    fixture.health.clearStatus(GreeterRpc.SERVICE_NAME);
    assertThatThrownBy(() -> check(GreeterRpc.SERVICE_NAME))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void watchSendsTheStatusThenEachChangeAndServiceUnknownForAnUnknownService() throws Exception {
    Watch known = watch(GreeterRpc.SERVICE_NAME);
    assertThat(known.next()).isEqualTo(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);
    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.SERVING);
    assertThat(known.next()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    assertThat(known.next()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    fixture.health.clearStatus(GreeterRpc.SERVICE_NAME);
    assertThat(known.next()).isEqualTo(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);
    assertThat(known.end.isDone()).isFalse();
  }

  @Test
  void drainingTurnsEveryAnswerNotServingAndEndsTheWatches() throws Exception {
    fixture.health.setStatus(GreeterRpc.SERVICE_NAME, ServingStatus.SERVING);
    Watch server = watch("");
    Watch greeter = watch(GreeterRpc.SERVICE_NAME);
    assertThat(server.next()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(greeter.next()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    fixture.server.shutdown();

    assertThat(server.next()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    assertThat(greeter.next()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    assertThat(server.end.get(30, TimeUnit.SECONDS)).isEqualTo(Status.Code.OK);
    assertThat(greeter.end.get(30, TimeUnit.SECONDS)).isEqualTo(Status.Code.OK);
    assertThat(fixture.server.awaitTermination(Fixture.WAIT)).isTrue();
  }

  private Watch watch(String service) {
    Watch w = new Watch();
    HealthGrpc.newStub(channel)
        .watch(HealthCheckRequest.newBuilder().setService(service).build(), w);
    return w;
  }

  /** The statuses a {@code Watch} received, and how it ended. */
  private static final class Watch implements StreamObserver<HealthCheckResponse> {
    final BlockingQueue<HealthCheckResponse.ServingStatus> statuses = new LinkedBlockingQueue<>();
    final CompletableFuture<Status.Code> end = new CompletableFuture<>();

    HealthCheckResponse.ServingStatus next() throws InterruptedException {
      HealthCheckResponse.ServingStatus s = statuses.poll(30, TimeUnit.SECONDS);
      assertThat(s).as("a status within 30 s (ended: %s)", end).isNotNull();
      return s;
    }

    @Override
    public void onNext(HealthCheckResponse value) {
      statuses.add(value.getStatus());
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t).getCode());
    }

    @Override
    public void onCompleted() {
      end.complete(Status.Code.OK);
    }
  }
}
