package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.testing.TestCodecs;
import org.junit.jupiter.api.Test;

/** {@link AccessPolicy} and {@link Idempotency} as a {@link MethodDescriptor} carries them. */
class AccessPolicyTest {
  private static final MethodDescriptor<String, String> M =
      MethodDescriptor.of("s.S", "M", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING, 2);

  @Test
  void rolesAreSortedAndDistinct() {
    AccessPolicy p = AccessPolicy.rolesAllowed("b", "a", "b");
    assertThat(p.kind()).isEqualTo(AccessPolicy.Kind.ROLES_ALLOWED);
    assertThat(p.roles()).containsExactly("a", "b");
    assertThat(p).isEqualTo(AccessPolicy.rolesAllowed("a", "b"));
    assertThat(p).hasSameHashCodeAs(AccessPolicy.rolesAllowed("a", "b"));
    assertThat(p.toString()).isEqualTo("ROLES_ALLOWED[a, b]");
    assertThat(AccessPolicy.DENY_ALL.roles()).isEmpty();
    assertThat(AccessPolicy.DENY_ALL).isNotEqualTo(AccessPolicy.PERMIT_ALL);
  }

  @Test
  void rolesAllowedNeedsRolesThatAreNotBlank() {
    assertThatThrownBy(AccessPolicy::rolesAllowed)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one role");
    assertThatThrownBy(() -> AccessPolicy.rolesAllowed("admin", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> AccessPolicy.rolesAllowed("admin", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void descriptorsHaveNoPolicyUnlessGivenOne() {
    assertThat(M.idempotency()).isEqualTo(Idempotency.UNKNOWN);
    assertThat(M.accessPolicy()).isEqualTo(AccessPolicy.UNDECLARED);
    MethodDescriptor<String, String> both =
        M.withIdempotency(Idempotency.NO_SIDE_EFFECTS)
            .withAccessPolicy(AccessPolicy.rolesAllowed("admin"));
    assertThat(both.idempotency()).isEqualTo(Idempotency.NO_SIDE_EFFECTS);
    assertThat(both.accessPolicy()).isEqualTo(AccessPolicy.rolesAllowed("admin"));
    assertThat(both.fullName()).isEqualTo("s.S/M");
    assertThat(both.since()).isEqualTo(2);
    assertThat(both.withIdempotency(Idempotency.IDEMPOTENT).accessPolicy())
        .isEqualTo(AccessPolicy.rolesAllowed("admin"));
    assertThat(M.idempotency()).as("unchanged").isEqualTo(Idempotency.UNKNOWN);
    assertThat(Idempotency.UNKNOWN.isIdempotent()).isFalse();
    assertThat(Idempotency.IDEMPOTENT.isIdempotent()).isTrue();
    assertThat(Idempotency.NO_SIDE_EFFECTS.isIdempotent()).isTrue();
  }
}
