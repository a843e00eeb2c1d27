package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated code and schemas of the representative service, compared with golden files. */
@Timeout(120)
class GoldenTest {
  private static Compilation compilation;

  @BeforeAll
  static void compile() {
    compilation = TestCompiler.compile(TestCompiler.examples(TestCompiler.EXAMPLE));
  }

  @Test
  void compilesWithoutWarningsUnderXlintAllWerror() {
    // TestCompiler compiles with -Xlint:all -Werror: a warning of javac (generated code) or of the
    // processor (annotations it does not claim) fails the compilation
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void generatedLinesFitTheColumnLimit() throws IOException {
    for (JavaFileObject file : compilation.generatedSourceFiles()) {
      String[] lines = file.getCharContent(false).toString().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        org.assertj.core.api.Assertions.assertThat(lines[i].length())
            .as("%s:%d: %s", file.getName(), i + 1, lines[i])
            .isLessThanOrEqualTo(100);
        org.assertj.core.api.Assertions.assertThat(lines[i])
            .as("trailing space")
            .doesNotEndWith(" ");
      }
    }
  }

  @Test
  void onlyTheRpcClassIsPublic() throws IOException {
    // codecs are one package-private class: the user's package gains one public type per service
    org.assertj.core.api.Assertions.assertThat(compilation.generatedSourceFiles())
        .extracting(f -> f.getName().substring(f.getName().lastIndexOf('/') + 1))
        .containsExactlyInAnyOrder(
            "ChatServiceRpc.java", "ChatServiceRpcCodecs.java", "ChatServiceRpcJsonCodecs.java");
    String codecs =
        compilation
            .generatedSourceFile("example.ChatServiceRpcCodecs")
            .orElseThrow()
            .getCharContent(false)
            .toString();
    org.assertj.core.api.Assertions.assertThat(codecs)
        .contains("\nfinal class ChatServiceRpcCodecs {")
        .doesNotContain("public static")
        .doesNotContain("public final class");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.ChatServiceRpc",
        "example.ChatServiceRpcCodecs",
        "example.ChatServiceRpcJsonCodecs"
      })
  void generatedSourceMatchesGolden(String className) throws IOException {
    assertThat(compilation).succeeded();
    JavaFileObject file =
        compilation.generatedSourceFile(className).orElseThrow(() -> new AssertionError(className));
    GoldenFiles.assertMatches(
        className.substring(className.lastIndexOf('.') + 1) + ".java.txt",
        file.getCharContent(false).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"proto", "json"})
  void schemaMatchesGolden(String extension) throws IOException {
    JavaFileObject file =
        compilation
            .generatedFile(
                StandardLocation.CLASS_OUTPUT,
                "META-INF/typedrpc/example.chat.ChatService." + extension)
            .orElseThrow();
    GoldenFiles.assertMatches(
        "example.chat.ChatService." + extension + ".txt", file.getCharContent(false).toString());
  }

  @Test
  void servicesFileListsProvider() throws IOException {
    JavaFileObject file =
        compilation
            .generatedFile(StandardLocation.CLASS_OUTPUT, RpcProcessor.SERVICES_FILE)
            .orElseThrow();
    org.assertj.core.api.Assertions.assertThat(file.getCharContent(false).toString())
        .isEqualTo("example.ChatServiceRpc$Provider\n");
  }
}
