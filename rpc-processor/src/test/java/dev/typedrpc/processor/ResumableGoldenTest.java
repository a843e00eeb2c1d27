package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The descriptors of {@code @Resumable} methods read the {@code @Position} component through the
 * record's accessor, compared with a golden file.
 */
@Timeout(120)
class ResumableGoldenTest {
  @Test
  void resumableDescriptorsReadThePositionWithoutReflection() throws IOException {
    Compilation compilation =
        TestCompiler.compile(JavaFileObjects.forResource("sources/resumable/Ticker.java"));
    assertThat(compilation).succeededWithoutWarnings();
    GoldenFiles.assertMatches(
        "TickerRpc.java.txt",
        compilation
            .generatedSourceFile("resumable.TickerRpc")
            .orElseThrow()
            .getCharContent(false)
            .toString());
  }
}
