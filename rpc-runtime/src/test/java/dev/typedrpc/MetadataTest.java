package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class MetadataTest {
  @Test
  void textAndBinaryEntriesKeepOrder() {
    Metadata md =
        Metadata.builder()
            .put("a", "1")
            .putBinary("b-bin", new byte[] {1, 2})
            .put("a", "2")
            .build();
    assertThat(md.get("a")).isEqualTo("2");
    assertThat(md.getAll("a")).containsExactly("1", "2");
    assertThat(md.getBinary("b-bin")).containsExactly(1, 2);
    assertThat(md.keys()).containsExactly("a", "b-bin");
    assertThat(md.get("missing")).isNull();
  }

  @Test
  void invalidKeysAndValuesAreRejectedWithTheFix() {
    assertThatThrownBy(() -> Metadata.of("Upper", "x")).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> Metadata.of("k", "caf\u00e9")).hasMessageContaining("-bin");
    assertThatThrownBy(() -> Metadata.builder().putBinary("k", new byte[0]))
        .hasMessageContaining("-bin");
    assertThatThrownBy(() -> Metadata.of("k-bin", "x")).hasMessageContaining("putBinary");
  }

  @Test
  void callOptionsMergeMetadataAndPickTheEarlierDeadline() {
    CallOptions o =
        CallOptions.DEFAULT
            .withMetadata(Metadata.of("a", "1"))
            .withMetadata(Metadata.of("b", "2"))
            .withTimeout(Duration.ofSeconds(100))
            .withDeadline(Deadline.after(Duration.ofSeconds(1)));
    assertThat(o.metadata().keys()).containsExactly("a", "b");
    assertThat(o.effectiveDeadline().remaining()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(CallOptions.DEFAULT.effectiveDeadline()).isNull();
  }

  @Test
  void deadlinesCompareAndExpire() {
    Deadline past = Deadline.after(Duration.ofMillis(-5));
    Deadline future = Deadline.after(Duration.ofHours(1));
    assertThat(past.isExpired()).isTrue();
    assertThat(future.isExpired()).isFalse();
    assertThat(past.earliest(future)).isSameAs(past);
    assertThat(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE)).isExpired()).isFalse();
  }
}
