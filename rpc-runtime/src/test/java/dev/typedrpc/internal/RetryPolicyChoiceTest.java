package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.Idempotency;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.testing.TestCodecs;
import org.junit.jupiter.api.Test;

/** Which retry policy a call gets from its own options, its channel's and its method. */
class RetryPolicyChoiceTest {
  private static final MethodDescriptor<String, String> PLAIN =
      MethodDescriptor.of("s.S", "M", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> IDEMPOTENT =
      PLAIN.withIdempotency(Idempotency.IDEMPOTENT);
  private static final MethodDescriptor<String, String> READ =
      PLAIN.withIdempotency(Idempotency.NO_SIDE_EFFECTS);
  private static final RetryPolicy CALL = RetryPolicy.unavailable(4);
  private static final RetryPolicy CHANNEL = RetryPolicy.unavailable(5);

  @Test
  void aCallsOwnPolicyWinsForEveryMethod() {
    assertThat(RetryPolicyChoice.choose(PLAIN, CALL, CHANNEL)).isSameAs(CALL);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, CALL, CHANNEL)).isSameAs(CALL);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, RetryPolicy.NONE, CHANNEL)).isNull();
  }

  @Test
  void idempotentMethodsTakeTheChannelsPolicyElseTheDefault() {
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, null, CHANNEL)).isSameAs(CHANNEL);
    assertThat(RetryPolicyChoice.choose(READ, null, null)).isSameAs(RetryPolicy.DEFAULT_IDEMPOTENT);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, null, RetryPolicy.NONE)).isNull();
    assertThat(RetryPolicy.DEFAULT_IDEMPOTENT).isEqualTo(RetryPolicy.unavailable(3));
  }

  @Test
  void otherMethodsIgnoreTheChannelsPolicy() {
    assertThat(RetryPolicyChoice.choose(PLAIN, null, CHANNEL)).isNull();
    assertThat(RetryPolicyChoice.choose(PLAIN, null, null)).isNull();
  }
}
