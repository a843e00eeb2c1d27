package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RpcServer.Builder#virtualThreads()}: implementations run on named virtual threads on Java
 * 21 and later, and a clear error below. The build runs this class on Java 17 and, when a newer JDK
 * is installed, again on it (the {@code newer-jdk} profile).
 */
@Timeout(60)
class VirtualThreadsTest {
  private static final int CALLS = 200;

  private static boolean isVirtual(Thread t) {
    try {
      return (boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  @Test
  void belowJava21TheBuilderSaysWhatIsNeeded() {
    assumeTrue(Runtime.version().feature() < 21, "runs on Java 17 to 20");
    assertThatThrownBy(() -> RpcServer.builder().virtualThreads())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("virtual threads need Java 21 or later")
        .hasMessageContaining("executor(");
  }

  @Test
  void blockingImplementationsRunConcurrentlyOnVirtualThreads() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "runs on Java 21 and later");
    // every call blocks until all CALLS calls are running: only passes if none waits for a thread
    CountDownLatch allRunning = new CountDownLatch(CALLS);
    String name = "mem:virtual-threads-" + System.nanoTime();
    RpcServer server =
        RpcServer.builder()
            .listen(name)
            .virtualThreads()
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of(
                            ConformanceService.NAME, 1, List.of(ConformanceService.ECHO)))
                    .unary(
                        ConformanceService.ECHO,
                        s -> {
                          allRunning.countDown();
                          try {
                            if (!allRunning.await(30, TimeUnit.SECONDS)) {
                              return "timed out";
                            }
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return "interrupted";
                          }
                          Thread t = Thread.currentThread();
                          return isVirtual(t) + " " + t.getName();
                        })
                    .build())
            .build()
            .start();
    try (RpcChannel channel = RpcChannel.connect(URI.create(name))) {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        answers.add(
            ClientCalls.futureUnary(channel, ConformanceService.ECHO, CallOptions.DEFAULT, "x"));
      }
      for (CompletableFuture<String> answer : answers) {
        assertThat(answer.get(45, TimeUnit.SECONDS)).startsWith("true typedrpc-call-");
      }
    } finally {
      server.close();
    }
  }
}
