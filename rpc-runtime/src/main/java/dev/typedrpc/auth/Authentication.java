package dev.typedrpc.auth;

import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.internal.AuthenticatingInterceptor;
import dev.typedrpc.auth.internal.RoleCheck;
import java.util.Set;

/**
 * Server interceptors that authenticate calls and check their principal's roles, with gRPC's status
 * codes: {@link Status.Code#UNAUTHENTICATED} when the caller cannot be identified (no credentials
 * where they are required, or credentials that are not valid), {@link
 * Status.Code#PERMISSION_DENIED} when it is identified but not allowed.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .intercept(Authentication.required(Authenticator.bearer(users::byToken)))
 *     .addService(ChatServiceServer.definition(chat)
 *         .intercept(ChatService.BAN, Authentication.rolesAllowed("moderator")))
 * }</pre>
 *
 * Register the authentication interceptor before those that use the principal ({@link
 * #rolesAllowed}, {@link RateLimits}): interceptors run in order, the server's first.
 */
public final class Authentication {
  private Authentication() {}

  /**
   * Every call must carry credentials {@code authenticator} accepts; a call without any fails with
   * {@code UNAUTHENTICATED} before the implementation runs.
   */
  public static ServerInterceptor required(Authenticator authenticator) {
    return new AuthenticatingInterceptor(authenticator, true);
  }

  /**
   * Calls may be anonymous: one without credentials runs as {@link Principal#ANONYMOUS}; one with
   * credentials that are not valid still fails with {@code UNAUTHENTICATED}. Protect methods that
   * need a principal with {@link #rolesAllowed} or {@link #authenticatedOnly()}.
   */
  public static ServerInterceptor optional(Authenticator authenticator) {
    return new AuthenticatingInterceptor(authenticator, false);
  }

  /**
   * The principal must hold one of {@code roles}: an anonymous call fails with {@code
   * UNAUTHENTICATED}, a principal without any of them with {@code PERMISSION_DENIED}. Register it
   * on a service or method after an authentication interceptor.
   */
  public static ServerInterceptor rolesAllowed(String... roles) {
    return new RoleCheck(Set.of(roles));
  }

  /** The call must not be anonymous ({@code UNAUTHENTICATED} otherwise); any principal will do. */
  public static ServerInterceptor authenticatedOnly() {
    return new RoleCheck(null);
  }
}
