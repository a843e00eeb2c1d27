package dev.typedrpc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code buf lint} (pinned in {@code buf/package-lock.json}, installed by the build
 * with {@code npm ci}) with the project's {@code buf/buf.yaml} over the golden schema and the
 * schema the processor writes now: any finding that {@code buf.yaml} does not except fails.
 */
@Timeout(120)
class BufLintTest {
  static final Path BUF = Path.of("..", "buf", "node_modules", ".bin", "buf");
  static final Path CONFIG = Path.of("..", "buf", "buf.yaml");

  /** The findings of {@code buf lint} on {@code proto} written as {@code name} in {@code dir}. */
  static String lint(Path dir, String name, String proto) throws IOException, InterruptedException {
    assertThat(BUF)
        .as("buf is installed by the build (npm ci in buf/); run ./mvnw test once")
        .exists();
    Files.writeString(dir.resolve(name), proto, StandardCharsets.UTF_8);
    Files.copy(CONFIG, dir.resolve("buf.yaml"));
    Process p =
        new ProcessBuilder(BUF.toAbsolutePath().toString(), "lint", "--error-format=json")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("buf lint exit code; output:%n%s", out).isIn(0, 100);
    return out.strip();
  }

  @Test
  void goldenSchemaHasNoFindings(@TempDir Path dir) throws Exception {
    String golden =
        Files.readString(
            Path.of("src/test/resources/golden/example.chat.ChatService.proto.txt"),
            StandardCharsets.UTF_8);
    assertThat(lint(dir, "example.chat.ChatService.proto", golden)).isEmpty();
  }

  @Test
  void nestedTypesOptionsAndCommentsHaveNoFindings(@TempDir Path dir) throws Exception {
    Compilation c =
        TestCompiler.compile(
            TestCompiler.examples(TestCompiler.EXAMPLE),
            "-Atypedrpc.proto.go_package=example.com/gen/{package_path};{package_last}pb");
    String proto =
        c.generatedFile(
                StandardLocation.CLASS_OUTPUT, "META-INF/typedrpc/example.chat.ChatService.proto")
            .orElseThrow()
            .getCharContent(false)
            .toString();
    assertThat(proto).contains("option go_package");
    assertThat(lint(dir, "example.chat.ChatService.proto", proto)).isEmpty();
  }

  @Test
  void aFindingOutsideTheExceptionsFails(@TempDir Path dir) throws Exception {
    String bad = "syntax = \"proto3\";\npackage x;\nmessage bad_name {}\n";
    assertThat(lint(dir, "x.proto", bad)).contains("MESSAGE_PASCAL_CASE");
  }
}
