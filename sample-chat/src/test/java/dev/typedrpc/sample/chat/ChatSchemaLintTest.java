package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's schemas (the chat's and the sign-in service's) pass {@code buf lint} (the CLI pinned
 * in {@code buf/package-lock.json}) with the project's {@code buf/buf.yaml}: any finding it does
 * not except fails.
 */
@Timeout(120)
class ChatSchemaLintTest {
  private static final Path BUF = Path.of("..", "buf", "node_modules", ".bin", "buf");
  private static final String NAME = "typedrpc.chat.ChatService.proto";
  private static final String SIGN_IN = "typedrpc.chat.SignInService.proto";

  @Test
  void chatSchemaHasNoFindings(@TempDir Path dir) throws Exception {
    assertThat(BUF).as("buf is installed by the build (npm ci in buf/)").exists();
    Path proto = Path.of("target", "classes", "META-INF", "typedrpc", NAME);
    String text = Files.readString(proto, StandardCharsets.UTF_8);
    assertThat(text).contains("message RoomEvent {").contains("  message MemberJoined {");
    Files.writeString(dir.resolve(NAME), text, StandardCharsets.UTF_8);
    Files.copy(Path.of("target", "classes", "META-INF", "typedrpc", SIGN_IN), dir.resolve(SIGN_IN));
    Files.copy(Path.of("..", "buf", "buf.yaml"), dir.resolve("buf.yaml"));
    Process p =
        new ProcessBuilder(BUF.toAbsolutePath().toString(), "lint", "--error-format=json")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.strip()).as("buf lint findings").isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
