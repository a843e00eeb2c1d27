package dev.typedrpc.auth;

import dev.typedrpc.RpcContext;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call, as an {@link Authenticator} established it: a name (a user, a service account,
 * a certificate's subject) and the roles it holds. Immutable.
 *
 * <p>An implementation finds the principal of the call it serves with {@link #current()}; a call no
 * authenticator identified (authentication not installed, or anonymous calls allowed and no
 * credentials sent) has {@link #ANONYMOUS}.
 *
 * @param name how logs and rate limits name the principal; never empty
 * @param roles the roles it holds, for authorization ({@link Authentication#rolesAllowed})
 */
public record Principal(String name, Set<String> roles) {
  /**
   * Where the authentication interceptor puts the call's principal on its {@link RpcContext}; read
   * it with {@link #current()} or {@link #of(RpcContext)}.
   */
  public static final RpcContext.Key<Principal> KEY = RpcContext.Key.named("principal");

  /** The principal of a call that carried no credentials: no roles. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Set.of());

  public Principal {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a principal's name is empty");
    }
    roles = Set.copyOf(roles);
  }

  /** A principal with {@code roles}. */
  public static Principal of(String name, String... roles) {
    return new Principal(name, Set.of(roles));
  }

  /** Whether it holds {@code role}. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Whether this is {@link #ANONYMOUS}: the call carried no credentials. */
  @SuppressWarnings("ReferenceEquality") // the one instance: a user's "anonymous" is a name
  public boolean isAnonymous() {
    return this == ANONYMOUS;
  }

  /**
   * The principal of the call the current thread serves ({@link RpcContext#current()}); {@link
   * #ANONYMOUS} if none was established. Fails outside a server call.
   */
  public static Principal current() {
    return of(RpcContext.current());
  }

  /** The principal of {@code call}; {@link #ANONYMOUS} if none was established. */
  public static Principal of(RpcContext call) {
    Principal p = call.get(KEY);
    return p == null ? ANONYMOUS : p;
  }
}
