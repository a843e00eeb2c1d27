package dev.typedrpc.auth.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.Principal;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Authenticator} for each call and records the principal on its context. An
 * authenticator that fails with anything but an {@link RpcException} fails the call with {@code
 * UNAVAILABLE} (the identity provider is the likely cause, and a retry may succeed), logged without
 * the call's metadata.
 */
public final class AuthenticatingInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthenticatingInterceptor.class);

  private final Authenticator authenticator;
  private final boolean required;

  public AuthenticatingInterceptor(Authenticator authenticator, boolean required) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.required = required;
  }

  @Override
  public CallObserver interceptCall(RpcContext call) {
    Principal principal;
    try {
      principal = authenticator.authenticate(call);
    } catch (RpcException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn(
          "authenticating a call of {} from {} failed", call.method().fullName(), call.peer(), e);
      throw new RpcException(
          Status.UNAVAILABLE.withDescription("authentication is not available at the moment"));
    }
    if (principal == null) {
      if (required) {
        throw new RpcException(
            Status.UNAUTHENTICATED.withDescription(
                "this server requires credentials: authorization metadata (or a client"
                    + " certificate)"));
      }
      principal = Principal.ANONYMOUS;
    }
    call.put(Principal.KEY, principal);
    return CallObserver.NONE;
  }
}
