package dev.typedrpc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Metadata gets logged (its toString): credentials in it must not be. */
@Timeout(10)
class CredentialsRedactionTest {
  @Test
  void credentialsNeverPrint() {
    Metadata m =
        Metadata.builder()
            .put("authorization", "Bearer s3cret")
            .put("proxy-authorization", "Basic s3cret")
            .put("cookie", "session=s3cret")
            .put("x-tenant", "acme")
            .build();
    assertThat(m.toString())
        .doesNotContain("s3cret")
        .contains("authorization=<redacted>")
        .contains("x-tenant=acme");
    assertThat(m.get("authorization")).isEqualTo("Bearer s3cret"); // only printing hides it
  }
}
