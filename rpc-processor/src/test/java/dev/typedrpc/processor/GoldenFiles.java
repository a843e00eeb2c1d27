package dev.typedrpc.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exact-text comparison with files under {@code src/test/resources/golden}. Run with {@code
 * -Dgoldens.update=true} to rewrite them from the actual output (then review the diff).
 */
final class GoldenFiles {
  static final Path DIR = Path.of("src", "test", "resources", "golden");

  private GoldenFiles() {}

  static boolean updating() {
    return Boolean.getBoolean("goldens.update");
  }

  static void assertMatches(String name, String actual) {
    Path file = DIR.resolve(name);
    try {
      if (updating()) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      assertWithMessage("golden file %s is missing; run with -Dgoldens.update=true", file)
          .that(Files.exists(file))
          .isTrue();
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      assertWithMessage("%s differs from its golden file; run with -Dgoldens.update=true", name)
          .that(actual)
          .isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
