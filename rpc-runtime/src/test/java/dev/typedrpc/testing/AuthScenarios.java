package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.CallCredentials;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.auth.RateLimits;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Authentication, authorization and rate limits on one transport: the same statuses (gRPC's
 * UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED with a pushback trailer) whatever carries
 * the call. Credentials travel in each call's metadata, which is also how a browser authenticates
 * on WebSocket and SSE (it cannot set headers on the connection). Used by {@link
 * AbstractTransportConformanceTest}.
 */
final class AuthScenarios implements AutoCloseable {
  static final String SERVICE = "typedrpc.testing.Auth";
  static final MethodDescriptor<String, String> WHOAMI = unary("Whoami");
  static final MethodDescriptor<String, String> ADMIN = unary("Admin");
  static final MethodDescriptor<String, String> MEMBERS = unary("Members");
  static final MethodDescriptor<String, String> HOLD = unary("Hold");
  static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(SERVICE, 1, List.of(WHOAMI, ADMIN, MEMBERS, HOLD));

  /** The tokens the server knows: alice is a user, root an admin. */
  static final Map<String, Principal> TOKENS =
      Map.of(
          "alice-token", Principal.of("alice", "user"),
          "root-token", Principal.of("root", "user", "admin"));

  static final Authenticator AUTHENTICATOR = Authenticator.bearer(TOKENS::get);

  private final URI listen;
  private final UnaryOperator<URI> clientUri;
  private final TransportSettings settings;
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<RpcChannel> channels = new ArrayList<>();

  /** HOLD calls wait for this. */
  final CountDownLatch release = new CountDownLatch(1);

  final CountDownLatch holding = new CountDownLatch(1);

  AuthScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings) {
    this.listen = listen;
    this.clientUri = clientUri;
    this.settings = settings;
  }

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of(SERVICE, name, CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  }

  private ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .unary(
            WHOAMI,
            s ->
                Principal.current().name() + Principal.current().roles().stream().sorted().toList())
        .unary(ADMIN, s -> "admin:" + Principal.current().name())
        .unary(MEMBERS, s -> "members:" + Principal.current().name())
        .unaryAsync(HOLD, s -> hold())
        .build()
        .intercept(ADMIN, Authentication.rolesAllowed("admin"))
        .intercept(MEMBERS, Authentication.authenticatedOnly());
  }

  private CompletableFuture<String> hold() {
    holding.countDown();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "held";
        });
  }

  RpcChannel start(ServerInterceptor... interceptors) throws Exception {
    RpcServer server =
        RpcServer.builder()
            .listen(listen)
            .addService(definition())
            .intercept(interceptors)
            .transportSettings(settings)
            .build()
            .start();
    servers.add(server);
    RpcChannel channel = connect(server, ChannelOptions.DEFAULT);
    return channel;
  }

  RpcChannel connect(RpcServer server, ChannelOptions options) {
    RpcChannel c =
        RpcChannel.connect(clientUri.apply(server.address()), options.withTransport(settings));
    channels.add(c);
    return c;
  }

  RpcServer server() {
    return servers.get(servers.size() - 1);
  }

  static String call(RpcChannel channel, MethodDescriptor<String, String> m, CallOptions options) {
    return ClientCalls.blockingUnary(channel, m, options.withTimeout(Duration.ofSeconds(20)), "x");
  }

  static CallOptions bearer(String token) {
    return CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token));
  }

  static RpcException failure(Runnable call, Status.Code code) {
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
   * Authentication required: no credentials and unknown ones are UNAUTHENTICATED; a known token
   * reaches the implementation as its principal, whether attached per call, per channel or as plain
   * call metadata (the browser's way); a principal without the role is PERMISSION_DENIED.
   */
  void requiredAuthentication() throws Exception {
    RpcChannel channel = start(Authentication.required(AUTHENTICATOR));
    RpcException none =
        failure(() -> call(channel, WHOAMI, CallOptions.DEFAULT), Status.Code.UNAUTHENTICATED);
    assertThat(none.status().description()).contains("requires credentials");
    RpcException bad =
        failure(() -> call(channel, WHOAMI, bearer("stolen")), Status.Code.UNAUTHENTICATED);
    assertThat(bad.status().description()).doesNotContain("stolen");
    assertThat(call(channel, WHOAMI, bearer("alice-token"))).isEqualTo("alice[user]");
    // what a browser sends: the token in the call's metadata (CALL_START on WebSocket and SSE)
    assertThat(
            call(
                channel,
                WHOAMI,
                CallOptions.DEFAULT.withMetadata(
                    Metadata.of("authorization", "bearer root-token"))))
        .isEqualTo("root[admin, user]");
    failure(() -> call(channel, ADMIN, bearer("alice-token")), Status.Code.PERMISSION_DENIED);
    assertThat(call(channel, ADMIN, bearer("root-token"))).isEqualTo("admin:root");
    RpcChannel perChannel =
        connect(
            server(),
            ChannelOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> "root-token")));
    assertThat(call(perChannel, ADMIN, CallOptions.DEFAULT)).isEqualTo("admin:root");
    // a supplier that fails: the call fails before it is sent
    failure(
        () ->
            call(
                channel,
                WHOAMI,
                CallOptions.DEFAULT.withInterceptors(
                    CallCredentials.bearer(
                        () -> {
                          throw new IllegalStateException("token service down");
                        }))),
        Status.Code.UNAUTHENTICATED);
  }

  /**
   * Anonymous calls allowed: they run as {@link Principal#ANONYMOUS}; invalid credentials are still
   * UNAUTHENTICATED; a method that needs a principal is UNAUTHENTICATED for anonymous callers, not
   * PERMISSION_DENIED (gRPC: PERMISSION_DENIED only for an identified caller).
   */
  void optionalAuthentication() throws Exception {
    RpcChannel channel = start(Authentication.optional(AUTHENTICATOR));
    assertThat(call(channel, WHOAMI, CallOptions.DEFAULT)).isEqualTo("anonymous[]");
    failure(() -> call(channel, WHOAMI, bearer("stolen")), Status.Code.UNAUTHENTICATED);
    failure(() -> call(channel, MEMBERS, CallOptions.DEFAULT), Status.Code.UNAUTHENTICATED);
    failure(() -> call(channel, ADMIN, CallOptions.DEFAULT), Status.Code.UNAUTHENTICATED);
    assertThat(call(channel, MEMBERS, bearer("alice-token"))).isEqualTo("members:alice");
  }

  /**
   * Token buckets per principal and per method, and the cap on calls in flight: RESOURCE_EXHAUSTED
   * with {@code grpc-retry-pushback-ms} in the trailers; other principals are not affected.
   */
  void rateLimits() throws Exception {
    RpcChannel channel =
        start(
            Authentication.optional(AUTHENTICATOR),
            RateLimits.builder()
                .perPrincipal(4, Duration.ofHours(1))
                .perMethod(ADMIN, 1, Duration.ofHours(1))
                .maxConcurrentCallsPerPrincipal(1)
                .build());
    // per method: root may call ADMIN once an hour
    assertThat(call(channel, ADMIN, bearer("root-token"))).isEqualTo("admin:root");
    RpcException method =
        failure(() -> call(channel, ADMIN, bearer("root-token")), Status.Code.RESOURCE_EXHAUSTED);
    assertThat(method.status().description()).contains("Admin");
    assertPushback(method, 3_000_000L);
    // per principal: 4 an hour, so three more for alice, then none
    for (int i = 0; i < 4; i++) {
      assertThat(call(channel, WHOAMI, bearer("alice-token"))).isEqualTo("alice[user]");
    }
    RpcException principal =
        failure(() -> call(channel, WHOAMI, bearer("alice-token")), Status.Code.RESOURCE_EXHAUSTED);
    assertPushback(principal, 800_000L);
    assertThat(call(channel, WHOAMI, bearer("root-token"))).isEqualTo("root[admin, user]");
    // in flight: the anonymous caller may hold one call at a time
    CompletableFuture<String> held =
        CompletableFuture.supplyAsync(() -> call(channel, HOLD, CallOptions.DEFAULT));
    assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
    RpcException concurrent =
        failure(() -> call(channel, WHOAMI, CallOptions.DEFAULT), Status.Code.RESOURCE_EXHAUSTED);
    assertThat(concurrent.status().description()).contains("in flight");
    assertThat(concurrent.trailers().get(RateLimits.PUSHBACK_TRAILER)).isEqualTo("1000");
    release.countDown();
    assertThat(held.get(20, TimeUnit.SECONDS)).isEqualTo("held");
  }

  private static void assertPushback(RpcException e, long atLeastMillis) {
    String pushback = e.trailers().get(RateLimits.PUSHBACK_TRAILER);
    assertThat(pushback).as("pushback trailer in " + e.trailers()).isNotNull();
    assertThat(Long.parseLong(pushback)).isBetween(atLeastMillis, 3_600_000L);
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
