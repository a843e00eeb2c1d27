package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcServer;
import dev.typedrpc.it.grpc.PeerServiceRpc;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import typedrpc.it.grpc.PeerGrpc;
import typedrpc.it.grpc.TypedrpcItGrpcPeer.PeerRequest;

/**
 * A stock gRPC-Java client whose connection a typedrpc server refuses (beyond its connection limit)
 * is told {@code UNAVAILABLE} with the server's reason, from the GOAWAY's debug data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcJavaRefusedIT {
  @Test
  void aConnectionBeyondTheLimitIsUnavailableNamingIt() throws Exception {
    RpcServer server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(PeerServiceRpc.bind(new PeerServiceImpl()))
            .transportSettings(
                TransportSettings.DEFAULT.withServerLimits(
                    ServerLimits.DEFAULT.withMaxConnections(1, 100)))
            .build()
            .start();
    int port = server.address().getPort();
    ManagedChannel managed =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    Socket holder = new Socket(InetAddress.getLoopbackAddress(), port); // the one slot
    try {
      PeerRequest request = PeerRequest.newBuilder().setText("x").build();
      assertThatThrownBy(
              () ->
                  PeerGrpc.newBlockingStub(managed)
                      .withDeadlineAfter(20, TimeUnit.SECONDS)
                      .unary(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription())
                    .contains("REFUSED_STREAM")
                    .contains("too many connections to this server (limit 1)");
              });
    } finally {
      holder.close();
      managed.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }
}
