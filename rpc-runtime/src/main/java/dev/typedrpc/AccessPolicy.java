package dev.typedrpc;

import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may call a method, as its service interface declares it with Jakarta's {@code @PermitAll},
 * {@code @DenyAll} or {@code @RolesAllowed} (on the method, else on the interface), recorded in its
 * {@link MethodDescriptor}. The server enforces it before the implementation runs: {@link
 * Kind#DENY_ALL} fails every call with {@code PERMISSION_DENIED}; {@link Kind#ROLES_ALLOWED} needs
 * an authenticated principal ({@code UNAUTHENTICATED} otherwise) holding one of the roles ({@code
 * PERMISSION_DENIED} otherwise). Immutable.
 */
public final class AccessPolicy {
  /** The kinds of policy. */
  public enum Kind {
    /** No annotation: the server applies no check of its own (its interceptors still run). */
    UNDECLARED,
    /** {@code @PermitAll}: any caller, anonymous included, with no role check. */
    PERMIT_ALL,
    /** {@code @DenyAll}: no caller. */
    DENY_ALL,
    /** {@code @RolesAllowed}: an authenticated caller holding one of {@link #roles()}. */
    ROLES_ALLOWED;
  }

  /** No policy declared. */
  public static final AccessPolicy UNDECLARED = new AccessPolicy(Kind.UNDECLARED, Set.of());

  /** {@code @PermitAll}. */
  public static final AccessPolicy PERMIT_ALL = new AccessPolicy(Kind.PERMIT_ALL, Set.of());

  /** {@code @DenyAll}. */
  public static final AccessPolicy DENY_ALL = new AccessPolicy(Kind.DENY_ALL, Set.of());

  private final Kind kind;
  private final Set<String> roles;

  private AccessPolicy(Kind kind, Set<String> roles) {
    this.kind = kind;
    this.roles = roles;
  }

  /**
   * {@code @RolesAllowed(roles)}: callers holding at least one of {@code roles}.
   *
   * @throws IllegalArgumentException if there is no role, or one is blank
   */
  public static AccessPolicy rolesAllowed(String... roles) {
    if (roles.length == 0) {
      throw new IllegalArgumentException("rolesAllowed needs at least one role");
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String role : roles) {
      Objects.requireNonNull(role, "role");
      if (role.isBlank()) {
        throw new IllegalArgumentException("a role is blank: " + Arrays.toString(roles));
      }
      sorted.add(role);
    }
    return new AccessPolicy(Kind.ROLES_ALLOWED, Collections.unmodifiableSet(sorted));
  }

  public Kind kind() {
    return kind;
  }

  /** The roles of {@link Kind#ROLES_ALLOWED}, sorted; empty for the other kinds. */
  public Set<String> roles() {
    return roles;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessPolicy p && p.kind == kind && p.roles.equals(roles);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + roles.hashCode();
  }

  @Override
  public String toString() {
    return kind == Kind.ROLES_ALLOWED ? "ROLES_ALLOWED" + roles : kind.name();
  }
}
