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
  void compilesWithoutWarnings() {
    assertThat(compilation).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.ChatServiceRpc",
        "example.PostCodec",
        "example.ShapeCodec",
        "example.SummaryCodec",
        "example.ColorEnumCodec",
        "example.ChatServiceRpc_PostMessageRequestCodec",
        "example.ChatServiceRpc_CountResponseCodec"
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
