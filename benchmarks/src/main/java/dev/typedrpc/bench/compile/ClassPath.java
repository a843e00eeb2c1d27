package dev.typedrpc.bench.compile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path this JVM runs on, as a list of files: expands a launcher jar's {@code Class-Path}
 * (as {@code java -jar benchmarks.jar} and Surefire's booter jar have), so a compiler can be given
 * the same libraries.
 */
final class ClassPath {
  private ClassPath() {}

  static List<Path> current() throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : cp.split(File.pathSeparator, -1)) {
      if (!entry.isEmpty()) {
        add(entries, Path.of(entry).toAbsolutePath().normalize());
      }
    }
    return new ArrayList<>(entries);
  }

  private static void add(Set<Path> entries, Path entry) throws IOException {
    if (!entries.add(entry) || !entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
      return;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest manifest = jar.getManifest();
      String more =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (more == null) {
        return;
      }
      for (String relative : more.trim().split("\\s+", -1)) {
        if (!relative.isEmpty()) {
          Path resolved =
              relative.startsWith("file:")
                  ? Path.of(java.net.URI.create(relative))
                  : entry.resolveSibling(relative);
          add(entries, resolved.toAbsolutePath().normalize());
        }
      }
    }
  }

  static String join(List<Path> entries) {
    List<String> parts = new ArrayList<>();
    entries.forEach(p -> parts.add(p.toString()));
    return String.join(File.pathSeparator, parts);
  }
}
