package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A baseline written by the previous version (flat names {@code Shape_Circle}, {@code Author_Kind},
 * enum values {@code AUTHOR_KIND_USER}, no {@code protoNaming} key) is compared in today's names:
 * the unchanged service passes without a warning, and a real break is still found.
 */
@Timeout(120)
class LegacyBaselineTest {
  private static final Path OLD =
      Path.of("src/test/resources/baseline-naming-1/example.chat.ChatService.json");

  private static Compilation compile(Path dir, List<JavaFileObject> sources) throws IOException {
    Files.copy(OLD, dir.resolve("example.chat.ChatService.json"));
    return TestCompiler.compile(sources, "-A" + RpcProcessor.BASELINE_OPTION + "=" + dir);
  }

  @Test
  void unchangedServicePassesAgainstOldNames(@TempDir Path dir) throws IOException {
    assertThat(compile(dir, TestCompiler.examples(TestCompiler.EXAMPLE)))
        .succeededWithoutWarnings();
  }

  @Test
  void renumberedNestedEnumValueIsStillABreak(@TempDir Path dir) throws IOException {
    List<JavaFileObject> sources = new java.util.ArrayList<>();
    for (String name : TestCompiler.EXAMPLE) {
      if (!name.equals("Author")) {
        sources.add(TestCompiler.example(name));
      }
    }
    JavaFileObject author =
        com.google.testing.compile.JavaFileObjects.forSourceLines(
            "example.Author",
            "package example;",
            "public record Author(String name, Kind kind) {",
            "  public enum Kind {",
            "    BOT,",
            "    USER",
            "  }",
            "}");
    sources.add(0, author);
    Compilation c = compile(dir, sources);
    assertThat(c).failed();
    assertThat(c)
        .hadErrorContaining("[ENUM_VALUE_RENUMBERED]")
        .inFile(author)
        .onLineContaining("USER");
  }
}
