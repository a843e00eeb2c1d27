package dev.typedrpc.auth.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Principal;
import java.util.Set;

/**
 * Lets a call through if its principal holds one of the roles (or, with none given, is not
 * anonymous): {@code UNAUTHENTICATED} for an anonymous caller, {@code PERMISSION_DENIED} for one
 * without the role, as gRPC defines them.
 */
public final class RoleCheck implements ServerInterceptor {
  private final Set<String> roles; // null: any authenticated principal

  public RoleCheck(Set<String> roles) {
    this.roles = roles;
  }

  @Override
  public CallObserver interceptCall(RpcContext call) {
    Principal p = Principal.of(call);
    if (p.isAnonymous()) {
      throw new RpcException(
          Status.UNAUTHENTICATED.withDescription(
              call.method().fullName() + " requires an authenticated caller"));
    }
    if (roles != null && roles.stream().noneMatch(p::hasRole)) {
      throw new RpcException(
          Status.PERMISSION_DENIED.withDescription(
              p.name() + " may not call " + call.method().fullName()));
    }
    return CallObserver.NONE;
  }
}
