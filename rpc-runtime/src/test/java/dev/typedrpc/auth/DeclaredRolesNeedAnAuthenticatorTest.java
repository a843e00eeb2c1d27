package dev.typedrpc.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.AccessPolicy;
import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.testing.TestCodecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A service whose methods declare roles ({@code @RolesAllowed}) on a server that authenticates no
 * call would fail every call: {@link RpcServer.Builder#build()} refuses it, naming the method and
 * the fix.
 */
class DeclaredRolesNeedAnAuthenticatorTest {
  private static final MethodDescriptor<String, String> ADMINS =
      MethodDescriptor.of("t.S", "Admins", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING)
          .withAccessPolicy(AccessPolicy.rolesAllowed("admin"));
  private static final MethodDescriptor<String, String> DENIED =
      MethodDescriptor.of("t.S", "Denied", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING)
          .withAccessPolicy(AccessPolicy.DENY_ALL);
  private static final Authenticator NOBODY =
      Authenticator.bearer(Map.<String, Principal>of()::get);

  private static ServerServiceDefinition service(MethodDescriptor<String, String> m) {
    return ServerServiceDefinition.builder(ServiceDescriptor.of("t.S", 1, List.of(m)))
        .unary(m, s -> s)
        .build();
  }

  private static RpcServer.Builder server(ServerServiceDefinition service) {
    return RpcServer.builder().listen("mem:roles-" + System.nanoTime()).addService(service);
  }

  @Test
  void rolesWithoutAuthenticationFailTheBuild() {
    assertThatThrownBy(() -> server(service(ADMINS)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("t.S/Admins allows only the roles [admin]")
        .hasMessageContaining("Authentication.required(authenticator)");
    // a role check of its own is not authentication
    assertThatThrownBy(
            () -> server(service(ADMINS)).intercept(Authentication.rolesAllowed("admin")).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void authenticationOnTheServerOrTheServiceIsEnough() {
    assertThat(server(service(ADMINS)).intercept(Authentication.optional(NOBODY)).build())
        .isNotNull();
    assertThat(server(service(ADMINS).intercept(Authentication.required(NOBODY))).build())
        .isNotNull();
    assertThat(server(service(ADMINS).intercept(ADMINS, Authentication.required(NOBODY))).build())
        .isNotNull();
  }

  @Test
  void denyAllNeedsNoAuthentication() {
    assertThat(server(service(DENIED)).build()).isNotNull();
  }
}
