package dev.typedrpc.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallObserver;
import dev.typedrpc.CallOptions;
import dev.typedrpc.Deadline;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.TestCodecs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client calls a front server, which calls a back server while serving: the back call inherits
 * the deadline and is cancelled with the front call, unless detached.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextPropagationTest {
  // the back server
  static final MethodDescriptor<String, String> DEADLINE = unary("Back", "Deadline");
  static final MethodDescriptor<String, String> GATE = unary("Back", "Gate");
  // the front server: the request says how to call the back server ("detached" or not)
  static final MethodDescriptor<String, String> CALL_DEADLINE = unary("Front", "CallDeadline");
  static final MethodDescriptor<String, String> CALL_GATE = unary("Front", "CallGate");
  static final MethodDescriptor<String, String> CALL_FROM_POOL = unary("Front", "CallFromPool");
  static final MethodDescriptor<String, String> TENANT = unary("Front", "Tenant");

  static final RpcContext.Key<String> TENANT_KEY = RpcContext.Key.named("tenant");

  private final CompletableFuture<String> gate = new CompletableFuture<>();
  private final CountDownLatch gateReached = new CountDownLatch(1);
  private final CountDownLatch frontCancelled = new CountDownLatch(1);
  // completed with the front's call to the back once callBack has returned it: the back's gate may
  // be reached (gateReached) before that, while callBack is still running
  private final CompletableFuture<CompletableFuture<String>> backCall = new CompletableFuture<>();
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private RpcServer back;
  private RpcServer front;
  private RpcChannel toBack;
  private RpcChannel toFront;

  private static MethodDescriptor<String, String> unary(String service, String name) {
    return MethodDescriptor.of(
        "test." + service, name, CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  }

  @BeforeEach
  void start() throws Exception {
    URI backAddress = URI.create("mem:back-" + UUID.randomUUID());
    URI frontAddress = URI.create("mem:front-" + UUID.randomUUID());
    back =
        RpcServer.builder()
            .listen(backAddress)
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of("test.Back", 1, List.of(DEADLINE, GATE)))
                    .unary(DEADLINE, s -> describe(RpcContext.current().deadline()))
                    .unaryAsync(
                        GATE,
                        s -> {
                          gateReached.countDown();
                          return gate;
                        })
                    .build())
            .build()
            .start();
    toBack = RpcChannel.connect(backAddress);
    ServerInterceptor tenant =
        call -> {
          call.put(TENANT_KEY, call.headers().get("x-tenant"));
          return CallObserver.NONE;
        };
    front =
        RpcServer.builder()
            .listen(frontAddress)
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of(
                            "test.Front",
                            1,
                            List.of(CALL_DEADLINE, CALL_GATE, CALL_FROM_POOL, TENANT)))
                    .unary(CALL_DEADLINE, how -> callBack(DEADLINE, how).join())
                    .unaryAsync(CALL_GATE, this::callGate)
                    .unaryAsync(CALL_FROM_POOL, this::callFromPool)
                    .unary(TENANT, s -> RpcContext.current().get(TENANT_KEY))
                    .build()
                    .intercept(TENANT, tenant))
            .build()
            .start();
    toFront = RpcChannel.connect(frontAddress);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    for (RpcChannel c : List.of(toFront, toBack)) {
      c.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    for (RpcServer s : List.of(front, back)) {
      s.shutdownNow();
      assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private static String describe(Deadline deadline) {
    return deadline == null ? "none" : String.valueOf(deadline.remainingNanos());
  }

  private CompletableFuture<String> callBack(MethodDescriptor<String, String> method, String how) {
    CallOptions options =
        how.equals("detached") ? CallOptions.DEFAULT.detached() : CallOptions.DEFAULT;
    return ClientCalls.futureUnary(toBack, method, options, "");
  }

  private CompletableFuture<String> callGate(String how) {
    RpcContext.current().addCancelListener(frontCancelled::countDown);
    backCall.complete(callBack(GATE, how));
    return new CompletableFuture<>(); // the front call ends only when the client cancels it
  }

  private CompletableFuture<String> callFromPool(String how) {
    CompletableFuture<String> result = new CompletableFuture<>();
    pool.execute(
        RpcContext.current()
            .wrap(
                () ->
                    callBack(DEADLINE, how)
                        .whenComplete(
                            (v, e) -> {
                              if (e == null) {
                                result.complete(v);
                              } else {
                                result.completeExceptionally(e);
                              }
                            })));
    return result;
  }

  private String callFront(
      MethodDescriptor<String, String> method, CallOptions options, String how) {
    return ClientCalls.blockingUnary(toFront, method, options, how);
  }

  @Test
  void aCallMadeWhileServingInheritsTheRemainingDeadline() {
    CallOptions fiveSeconds = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
    String seen = callFront(CALL_DEADLINE, fiveSeconds, "child");
    assertThat(seen).isNotEqualTo("none");
    assertThat(Long.parseLong(seen))
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(callFront(CALL_DEADLINE, CallOptions.DEFAULT, "child")).isEqualTo("none");
  }

  @Test
  void aDetachedCallKeepsOnlyItsOwnDeadline() {
    assertThat(
            callFront(
                CALL_DEADLINE, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)), "detached"))
        .isEqualTo("none");
  }

  @Test
  void codeWrappedByTheContextCarriesItToAnotherThread() {
    String seen =
        callFront(CALL_FROM_POOL, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)), "child");
    assertThat(seen).isNotEqualTo("none");
  }

  @Test
  void cancellingTheIncomingCallCancelsTheCallsItMade() throws Exception {
    CompletableFuture<String> frontCall =
        ClientCalls.futureUnary(toFront, CALL_GATE, CallOptions.DEFAULT, "child");
    assertThat(gateReached.await(10, TimeUnit.SECONDS)).isTrue();
    frontCall.cancel(true);
    assertThatThrownBy(() -> backCall.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED);
              assertThat(e.status().description())
                  .contains("the incoming call test.Front/CallGate was cancelled");
            });
  }

  @Test
  void aDetachedCallOutlivesTheIncomingCall() throws Exception {
    CompletableFuture<String> frontCall =
        ClientCalls.futureUnary(toFront, CALL_GATE, CallOptions.DEFAULT, "detached");
    assertThat(gateReached.await(10, TimeUnit.SECONDS)).isTrue();
    frontCall.cancel(true);
    assertThat(frontCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    gate.complete("opened");
    assertThat(backCall.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo("opened");
  }

  @Test
  void anInterceptorPassesAValueToTheImplementation() {
    assertThat(
            callFront(
                TENANT,
                CallOptions.DEFAULT.withMetadata(dev.typedrpc.Metadata.of("x-tenant", "acme")),
                ""))
        .isEqualTo("acme");
  }
}
