package dev.typedrpc.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.TestCodecs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client → A → B chain where A serves the client's call by calling B: with {@link
 * CallCredentials#forwardIncoming()} on A's channel to B, B authenticates the client's principal.
 */
@Timeout(30)
class ForwardedCredentialsTest {
  private static final MethodDescriptor<String, String> WHO_AM_I =
      MethodDescriptor.of("test.B", "WhoAmI", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> ASK_B =
      MethodDescriptor.of("test.A", "AskB", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final Authenticator TOKENS =
      Authenticator.bearer(
          Map.of("alice-token", Principal.of("alice"), "bob-token", Principal.of("bob"))::get);

  private RpcServer a;
  private RpcServer b;
  private RpcChannel toB;
  private RpcChannel toA;

  @BeforeEach
  void start() throws Exception {
    URI bAddress = URI.create("mem:b-" + UUID.randomUUID());
    URI aAddress = URI.create("mem:a-" + UUID.randomUUID());
    b =
        RpcServer.builder()
            .listen(bAddress)
            .intercept(Authentication.required(TOKENS))
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of("test.B", 1, List.of(WHO_AM_I)))
                    .unary(WHO_AM_I, s -> Principal.current().name())
                    .build())
            .build()
            .start();
    toB =
        RpcChannel.connect(
            bAddress, ChannelOptions.DEFAULT.withInterceptors(CallCredentials.forwardIncoming()));
    a =
        RpcServer.builder()
            .listen(aAddress)
            .intercept(Authentication.optional(TOKENS))
            .addService(
                ServerServiceDefinition.builder(ServiceDescriptor.of("test.A", 1, List.of(ASK_B)))
                    .unary(
                        ASK_B,
                        s -> ClientCalls.blockingUnary(toB, WHO_AM_I, CallOptions.DEFAULT, ""))
                    .build())
            .build()
            .start();
    toA = RpcChannel.connect(aAddress);
  }

  @AfterEach
  void stop() throws Exception {
    for (RpcChannel c : List.of(toA, toB)) {
      c.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    for (RpcServer s : List.of(a, b)) {
      s.shutdownNow();
      assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private String askB(String token) {
    CallOptions options =
        token == null
            ? CallOptions.DEFAULT
            : CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token));
    return ClientCalls.blockingUnary(toA, ASK_B, options, "");
  }

  @Test
  void theNextServerAuthenticatesTheCallersPrincipal() {
    assertThat(askB("alice-token")).isEqualTo("alice");
    assertThat(askB("bob-token")).isEqualTo("bob");
  }

  @Test
  void aCallerWithoutCredentialsForwardsNone() {
    assertThatThrownBy(() -> askB(null))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aCallMadeOutsideAServerCallCarriesNothing() {
    assertThatThrownBy(() -> ClientCalls.blockingUnary(toB, WHO_AM_I, CallOptions.DEFAULT, ""))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }
}
