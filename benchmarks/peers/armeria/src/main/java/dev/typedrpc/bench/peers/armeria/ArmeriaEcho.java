package dev.typedrpc.bench.peers.armeria;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoEndpoints;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.driver.Loopback;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Armeria's server with D's echo service ({@link EchoService}) as a {@link GrpcService}, in
 * Armeria's defaults but for two: service methods run on the event loop (Armeria's default, the
 * counterpart of gRPC-Java's {@code directExecutor()} in D), and no request timeout (Armeria's
 * default of 10 s would end a long server stream on a loaded machine).
 */
final class ArmeriaEcho implements EchoEndpoints {
  @Override
  public EchoServer startServer() {
    Server server =
        Server.builder()
            .http(new InetSocketAddress(Loopback.ADDRESS, 0))
            .requestTimeoutMillis(0)
            .service(
                GrpcService.builder()
                    .addService(new EchoService())
                    .useBlockingTaskExecutor(false)
                    .build())
            .build();
    server.start().join();
    return new EchoServer() {
      @Override
      public int port() {
        return server.activeLocalPort();
      }

      @Override
      public void close() {
        try {
          server.stop().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          System.err.println("Armeria's server did not stop cleanly: " + e);
        }
      }
    };
  }

  @Override
  public List<String> serverCommand(LoadOptions options) {
    throw new UnsupportedOperationException("I's client JVM starts this server JVM");
  }

  @Override
  public EchoClient connect(int port) {
    throw new UnsupportedOperationException("I's client is gRPC-Java's, in the benchmarks module");
  }
}
