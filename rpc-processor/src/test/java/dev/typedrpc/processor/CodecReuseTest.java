package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Codecs are written once per type: shared within a compilation, reused from an earlier one. */
@Timeout(120)
class CodecReuseTest {
  private static final JavaFileObject SHARED =
      JavaFileObjects.forSourceLines(
          "s.Shared", "package s;", "public record Shared(String id) {}");

  private static JavaFileObject service(String name) {
    return JavaFileObjects.forSourceLines(
        "s." + name,
        "package s;",
        "@dev.typedrpc.annotations.RpcService",
        "public interface " + name + " {",
        "  Shared get(Shared key);",
        "}");
  }

  private static long codecs(Compilation c, String name) {
    return c.generatedSourceFiles().stream()
        .filter(f -> f.toUri().getPath().endsWith("/" + name + ".java"))
        .count();
  }

  @Test
  void twoServicesInOneCompilationShareOneCodec() {
    Compilation c = TestCompiler.compile(SHARED, service("A"), service("B"));
    assertThat(c).succeededWithoutWarnings();
    assertThat(codecs(c, "SharedCodec")).isEqualTo(1);
  }

  @Test
  void codecCompiledEarlierIsReused(@TempDir Path dir) throws IOException {
    Compilation first = TestCompiler.compile(SHARED, service("A"));
    assertThat(first).succeeded();
    for (JavaFileObject f : first.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String path = f.toUri().getPath();
        Path target = dir.resolve(path.substring(path.indexOf("CLASS_OUTPUT/") + 13));
        Files.createDirectories(target.getParent());
        try (InputStream in = f.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
    List<File> classpath = new ArrayList<>();
    classpath.add(dir.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    Compilation second =
        javac().withProcessors(new RpcProcessor()).withClasspath(classpath).compile(service("B"));
    assertThat(second).succeeded();
    assertThat(second).generatedSourceFile("s.BRpc");
    assertThat(codecs(second, "SharedCodec")).isZero();
  }
}
