package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class StatusTest {
  @Test
  void seventeenCanonicalCodesWithGrpcValues() {
    assertThat(Status.Code.values()).hasSize(17);
    assertThat(Status.Code.UNIMPLEMENTED.value()).isEqualTo(12);
    assertThat(Status.Code.UNAUTHENTICATED.value()).isEqualTo(16);
    for (Status.Code c : Status.Code.values()) {
      assertThat(Status.Code.fromValue(c.value())).isSameAs(c);
    }
  }

  @Test
  void unknownWireValuesMapToUnknown() {
    assertThat(Status.Code.fromValue(17)).isSameAs(Status.Code.UNKNOWN);
    assertThat(Status.Code.fromValue(-1)).isSameAs(Status.Code.UNKNOWN);
  }

  @Test
  void fromThrowableFindsANestedRpcException() {
    RpcException inner = Status.NOT_FOUND.withDescription("no room").asException();
    assertThat(Status.fromThrowable(new RuntimeException(inner)))
        .isEqualTo(Status.NOT_FOUND.withDescription("no room"));
    Status unknown = Status.fromThrowable(new IllegalStateException("x"));
    assertThat(unknown.code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(unknown.cause()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void equalityIgnoresTheLocalCause() {
    assertThat(Status.INTERNAL.withDescription("d").withCause(new Exception()))
        .isEqualTo(Status.INTERNAL.withDescription("d"));
    assertThat(Status.INTERNAL.toString()).isEqualTo("INTERNAL");
    assertThat(Status.INTERNAL.withDescription("d").toString()).isEqualTo("INTERNAL: d");
  }
}
