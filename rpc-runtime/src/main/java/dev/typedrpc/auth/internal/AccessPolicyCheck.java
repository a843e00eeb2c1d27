package dev.typedrpc.auth.internal;

import dev.typedrpc.AccessPolicy;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import java.util.List;

/**
 * Enforces the {@link AccessPolicy} a method's descriptor declares ({@code @DenyAll},
 * {@code @RolesAllowed}), as the last interceptor before its implementation: after the server's,
 * the service's and the method's, so after the authentication interceptor that names the principal.
 */
public final class AccessPolicyCheck {
  private AccessPolicyCheck() {}

  /**
   * The interceptor that enforces {@code method}'s policy, or null when it needs none (undeclared,
   * {@code @PermitAll}).
   *
   * @param chain the interceptors that run before it
   * @throws IllegalStateException if the method needs roles and no interceptor of {@code chain}
   *     authenticates its calls: every call would fail {@code UNAUTHENTICATED}
   */
  public static ServerInterceptor forMethod(
      MethodDescriptor<?, ?> method, List<ServerInterceptor> chain) {
    AccessPolicy policy = method.accessPolicy();
    return switch (policy.kind()) {
      case DENY_ALL ->
          call -> {
            throw new RpcException(
                Status.PERMISSION_DENIED.withDescription(
                    call.method().fullName() + " may not be called (@DenyAll)"));
          };
      case ROLES_ALLOWED -> {
        if (chain.stream().noneMatch(i -> i instanceof AuthenticatingInterceptor)) {
          throw new IllegalStateException(
              method.fullName()
                  + " allows only the roles "
                  + policy.roles()
                  + " (@RolesAllowed), but no interceptor authenticates its calls: add"
                  + " RpcServer.builder().intercept(Authentication.required(authenticator)) or"
                  + " Authentication.optional(authenticator), on the server or the service");
        }
        yield new RoleCheck(policy.roles());
      }
      case UNDECLARED, PERMIT_ALL -> null;
    };
  }
}
