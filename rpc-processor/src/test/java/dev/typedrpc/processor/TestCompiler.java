package dev.typedrpc.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Compiles test sources with {@link RpcProcessor} and loads what it produced. */
final class TestCompiler {
  private TestCompiler() {}

  /** The representative service and its message types under {@code sources/example}. */
  static final List<String> EXAMPLE =
      List.of(
          "Nullable",
          "Color",
          "Author",
          "Shape",
          "PostId",
          "Post",
          "Event",
          "Summary",
          "ChatService");

  static JavaFileObject example(String simpleName) {
    return JavaFileObjects.forResource("sources/example/" + simpleName + ".java");
  }

  static List<JavaFileObject> examples(List<String> names) {
    List<JavaFileObject> out = new ArrayList<>();
    for (String n : names) {
      out.add(example(n));
    }
    return out;
  }

  static Compilation compile(List<JavaFileObject> sources, String... options) {
    // the strictest build a user may have: every warning, the processor's own included, fails it
    List<String> all = new ArrayList<>(List.of("-Xlint:all", "-Werror"));
    all.addAll(List.of(options));
    return javac().withProcessors(new RpcProcessor()).withOptions(all).compile(sources);
  }

  static Compilation compile(JavaFileObject... sources) {
    return compile(List.of(sources));
  }

  /** The {@code INSTANCE} of generated codec class {@code binaryName} (package-private). */
  @SuppressWarnings("unchecked")
  static MessageCodec<Object> codec(ClassLoader loader, String binaryName)
      throws ReflectiveOperationException {
    java.lang.reflect.Field instance = loader.loadClass(binaryName).getDeclaredField("INSTANCE");
    instance.setAccessible(true);
    return (MessageCodec<Object>) instance.get(null);
  }

  /**
   * A class loader over the class files of {@code compilation}, parented to the test class path.
   */
  static ClassLoader classLoader(Compilation compilation) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      String path = f.toUri().getPath();
      String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length());
      name = name.substring(0, name.length() - ".class".length()).replace('/', '.');
      try (InputStream in = f.openInputStream()) {
        classes.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ClassLoader(TestCompiler.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }
}
