package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.AccessPolicy;
import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Idempotency;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.CallCredentials;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The policy a service interface declares, as generated descriptors carry it: access
 * ({@code @DenyAll}, {@code @RolesAllowed}, {@code @PermitAll}) enforced by the server before the
 * implementation runs, and {@code @Idempotent} methods retried by default while other methods are
 * sent once. Used by {@link AbstractTransportConformanceTest}.
 */
final class PolicyScenarios implements AutoCloseable {
  static final String SERVICE = "typedrpc.testing.Policy";

  /** Undeclared: the server applies no check of its own. */
  static final MethodDescriptor<String, String> OPEN = unary("Open");

  static final MethodDescriptor<String, String> DENIED =
      unary("Denied").withAccessPolicy(AccessPolicy.DENY_ALL);
  static final MethodDescriptor<String, String> ADMINS =
      unary("Admins").withAccessPolicy(AccessPolicy.rolesAllowed("admin", "operator"));
  static final MethodDescriptor<String, String> ANYONE =
      unary("Anyone").withAccessPolicy(AccessPolicy.PERMIT_ALL);

  /**
   * Request {@code key:failures}: the first {@code failures} executions of {@code key} fail with
   * {@code UNAVAILABLE}; then it answers how many executions there were.
   */
  static final MethodDescriptor<String, String> FLAKY_IDEMPOTENT =
      unary("FlakyIdempotent").withIdempotency(Idempotency.IDEMPOTENT);

  static final MethodDescriptor<String, String> FLAKY_READ =
      unary("FlakyRead").withIdempotency(Idempotency.NO_SIDE_EFFECTS);
  static final MethodDescriptor<String, String> FLAKY = unary("Flaky");

  private static final CallOptions TIMEOUT =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));

  private final URI listen;
  private final UnaryOperator<URI> clientUri;
  private final TransportSettings settings;
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<RpcChannel> channels = new ArrayList<>();

  /** Executions of the implementation, per method name (access) or request key (retries). */
  private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

  PolicyScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings) {
    this.listen = listen;
    this.clientUri = clientUri;
    this.settings = settings;
  }

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of(SERVICE, name, CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  }

  /** Access-policy methods that answer their name and the caller's. */
  private ServerServiceDefinition accessService(List<MethodDescriptor<String, String>> methods) {
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(ServiceDescriptor.of(SERVICE, 1, List.copyOf(methods)));
    for (MethodDescriptor<String, String> m : methods) {
      b.unary(
          m,
          s -> {
            count(m.methodName());
            return m.methodName() + ":" + Principal.current().name();
          });
    }
    return b.build();
  }

  /** The flaky methods. */
  private ServerServiceDefinition retryService() {
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(
            ServiceDescriptor.of(SERVICE, 1, List.of(FLAKY_IDEMPOTENT, FLAKY_READ, FLAKY)));
    for (MethodDescriptor<String, String> m : List.of(FLAKY_IDEMPOTENT, FLAKY_READ, FLAKY)) {
      b.unary(m, this::flaky);
    }
    return b.build();
  }

  private int count(String key) {
    return executions.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private int executionsOf(String key) {
    AtomicInteger n = executions.get(key);
    return n == null ? 0 : n.get();
  }

  private String flaky(String request) {
    String[] f = request.split(":");
    int n = count(f[0]);
    if (n <= Integer.parseInt(f[1])) {
      throw Status.UNAVAILABLE.withDescription("flaky " + n).asException();
    }
    return "executions:" + n;
  }

  private RpcChannel start(RpcServer.Builder b) throws Exception {
    RpcServer server = b.listen(listen).transportSettings(settings).build().start();
    servers.add(server);
    RpcChannel c =
        RpcChannel.connect(
            clientUri.apply(server.address()), ChannelOptions.DEFAULT.withTransport(settings));
    channels.add(c);
    return c;
  }

  private static String call(
      RpcChannel channel, MethodDescriptor<String, String> m, CallOptions options, String req) {
    return ClientCalls.blockingUnary(channel, m, options, req);
  }

  private static CallOptions bearer(String token) {
    return TIMEOUT.withInterceptors(CallCredentials.bearer(() -> token));
  }

  private static RpcException failure(Runnable call, Status.Code code) {
    RpcException[] caught = new RpcException[1];
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).as(e.status().toString()).isEqualTo(code);
              caught[0] = e;
            });
    return caught[0];
  }

  /**
   * {@code @DenyAll} is PERMISSION_DENIED for everyone, root included; {@code @RolesAllowed} is
   * UNAUTHENTICATED for an anonymous caller, PERMISSION_DENIED for a principal without the roles;
   * {@code @PermitAll} and undeclared methods let anonymous callers in. A refused call never
   * reaches the implementation.
   */
  void accessPoliciesAreEnforcedBeforeTheImplementation() throws Exception {
    RpcChannel channel =
        start(
            RpcServer.builder()
                .addService(accessService(List.of(OPEN, DENIED, ADMINS, ANYONE)))
                .intercept(Authentication.optional(AuthScenarios.AUTHENTICATOR)));
    RpcException denied =
        failure(
            () -> call(channel, DENIED, bearer("root-token"), "x"), Status.Code.PERMISSION_DENIED);
    assertThat(denied.status().description()).contains(DENIED.fullName()).contains("@DenyAll");
    failure(() -> call(channel, DENIED, TIMEOUT, "x"), Status.Code.PERMISSION_DENIED);
    RpcException anonymous =
        failure(() -> call(channel, ADMINS, TIMEOUT, "x"), Status.Code.UNAUTHENTICATED);
    assertThat(anonymous.status().description()).contains("requires an authenticated caller");
    RpcException alice =
        failure(
            () -> call(channel, ADMINS, bearer("alice-token"), "x"), Status.Code.PERMISSION_DENIED);
    assertThat(alice.status().description()).contains("alice may not call");
    assertThat(executionsOf("Denied")).isZero();
    assertThat(executionsOf("Admins")).isZero();
    assertThat(call(channel, ADMINS, bearer("root-token"), "x")).isEqualTo("Admins:root");
    assertThat(call(channel, ANYONE, TIMEOUT, "x")).isEqualTo("Anyone:anonymous");
    assertThat(call(channel, ANYONE, bearer("alice-token"), "x")).isEqualTo("Anyone:alice");
    assertThat(call(channel, OPEN, TIMEOUT, "x")).isEqualTo("Open:anonymous");
  }

  /**
   * Without any authentication, {@code @DenyAll} is still enforced and {@code @PermitAll} and
   * undeclared methods run (with no principal: {@link Principal#current()} is anonymous).
   */
  void denyAllNeedsNoAuthenticator() throws Exception {
    RpcChannel channel =
        start(RpcServer.builder().addService(accessService(List.of(OPEN, DENIED, ANYONE))));
    failure(() -> call(channel, DENIED, TIMEOUT, "x"), Status.Code.PERMISSION_DENIED);
    assertThat(call(channel, ANYONE, TIMEOUT, "x")).isEqualTo("Anyone:anonymous");
    assertThat(call(channel, OPEN, TIMEOUT, "x")).isEqualTo("Open:anonymous");
  }

  /**
   * An idempotent method is retried by default (three attempts on UNAVAILABLE); a method that is
   * not is sent once, even on a channel with a retry policy, unless its call asks for one; {@link
   * RetryPolicy#NONE} turns the default off.
   */
  void idempotentMethodsAreRetriedByDefault() throws Exception {
    RpcChannel plain = start(RpcServer.builder().addService(retryService()));
    assertThat(call(plain, FLAKY_IDEMPOTENT, TIMEOUT, "idem:2")).isEqualTo("executions:3");
    assertThat(call(plain, FLAKY_READ, TIMEOUT, "read:1")).isEqualTo("executions:2");
    // the default makes three attempts: a fourth is not made
    failure(() -> call(plain, FLAKY_IDEMPOTENT, TIMEOUT, "idem-max:5"), Status.Code.UNAVAILABLE);
    assertThat(executionsOf("idem-max")).isEqualTo(3);
    // not idempotent: sent once
    failure(() -> call(plain, FLAKY, TIMEOUT, "once:1"), Status.Code.UNAVAILABLE);
    assertThat(executionsOf("once")).isEqualTo(1);
    // unless the call asks for retries
    CallOptions retried =
        TIMEOUT.withRetryPolicy(
            RetryPolicy.of(
                3,
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                2,
                java.util.Set.of(Status.Code.UNAVAILABLE)));
    assertThat(call(plain, FLAKY, retried, "asked:2")).isEqualTo("executions:3");
    // a call may turn the default off
    failure(
        () -> call(plain, FLAKY_IDEMPOTENT, TIMEOUT.withRetryPolicy(RetryPolicy.NONE), "off:1"),
        Status.Code.UNAVAILABLE);
    assertThat(executionsOf("off")).isEqualTo(1);

    // a channel's policy applies to idempotent methods only
    RpcChannel fiveAttempts =
        connect(ChannelOptions.DEFAULT.withRetryPolicy(RetryPolicy.unavailable(5)));
    assertThat(call(fiveAttempts, FLAKY_IDEMPOTENT, TIMEOUT, "five:4")).isEqualTo("executions:5");
    failure(() -> call(fiveAttempts, FLAKY, TIMEOUT, "channel-once:1"), Status.Code.UNAVAILABLE);
    assertThat(executionsOf("channel-once")).isEqualTo(1);
    // and a channel may turn the default off
    RpcChannel none = connect(ChannelOptions.DEFAULT.withRetryPolicy(RetryPolicy.NONE));
    failure(() -> call(none, FLAKY_IDEMPOTENT, TIMEOUT, "none:1"), Status.Code.UNAVAILABLE);
    assertThat(executionsOf("none")).isEqualTo(1);
  }

  private RpcChannel connect(ChannelOptions options) {
    RpcServer server = servers.get(servers.size() - 1);
    RpcChannel c =
        RpcChannel.connect(clientUri.apply(server.address()), options.withTransport(settings));
    channels.add(c);
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    for (RpcChannel c : channels) {
      c.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    for (RpcServer s : servers) {
      s.shutdownNow();
      assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }
}
