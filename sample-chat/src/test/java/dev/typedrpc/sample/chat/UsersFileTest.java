package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The users file of {@code chat server --users}: what it accepts and how it says what is wrong. */
class UsersFileTest {
  static final String T1 = "0123456789abcdef";
  static final String T2 = "fedcba9876543210";

  @Test
  void readsNamesAndTokensSkippingCommentsAndBlankLines() {
    assertThat(UsersFile.parse(List.of("# the team", "", "ana  " + T1, "\tbob " + T2 + " "), "u"))
        .containsExactly(java.util.Map.entry("ana", T1), java.util.Map.entry("bob", T2));
  }

  @Test
  void saysWhichLineIsWrongAndWhy() {
    assertThatThrownBy(() -> UsersFile.parse(List.of("ana " + T1, "bob"), "users.txt"))
        .hasMessage("users.txt:2: expected NAME TOKEN");
    assertThatThrownBy(() -> UsersFile.parse(List.of("ana s3cret"), "users.txt"))
        .hasMessage(
            "users.txt:1: the token of ana is shorter than 16 characters"
                + " (make one with: openssl rand -hex 16)");
    assertThatThrownBy(() -> UsersFile.parse(List.of("ana " + T1, "ana " + T2), "users.txt"))
        .hasMessage("users.txt:2: ana is listed twice");
    assertThatThrownBy(() -> UsersFile.parse(List.of("ana " + T1, "bob " + T1), "users.txt"))
        .hasMessage("users.txt:2: the token of bob is another's too");
    assertThatThrownBy(() -> UsersFile.parse(List.of("x".repeat(33) + " " + T1), "users.txt"))
        .hasMessage("users.txt:1: user names are 1 to 32 characters");
    assertThatThrownBy(() -> UsersFile.parse(List.of("# nobody"), "users.txt"))
        .hasMessage("users.txt: no users (lines of NAME TOKEN)");
  }

  @Test
  void tokensOfTheFileIdentifyTheirUsers() {
    Accounts accounts = Accounts.of(UsersFile.parse(List.of("ana " + T1), "u"));
    assertThat(accounts.byToken(T1).name()).isEqualTo("ana");
    assertThat(accounts.byToken(T1).roles()).containsExactly(Accounts.USER);
    assertThat(accounts.byToken(T2)).isNull();
    assertThat(accounts.isDev()).isFalse();
  }
}
