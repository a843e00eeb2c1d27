package dev.typedrpc.bench.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated schema: {@code records} records and {@code methods} methods, spread over services of
 * {@value #METHODS_PER_SERVICE} methods, each service in its own package with the records only it
 * uses (so the {@code .proto} files it emits compile together). Every record has scalar, string,
 * list, map and enum fields; the records of a method nest further records of its service, so every
 * record is reachable from a method.
 */
final class SchemaSources {
  static final int METHODS_PER_SERVICE = 20;

  private final int records;
  private final int methods;

  SchemaSources(int records, int methods) {
    if (methods < 1 || records < 2 * methods) {
      throw new IllegalArgumentException(
          "need at least one method and two records per method, got "
              + records
              + " records and "
              + methods
              + " methods");
    }
    this.records = records;
    this.methods = methods;
  }

  int services() {
    return (methods + METHODS_PER_SERVICE - 1) / METHODS_PER_SERVICE;
  }

  /** The records of service {@code s}: a contiguous range of indexes. */
  private int firstRecord(int s) {
    return (int) ((long) records * s / services());
  }

  private static String pkg(int s) {
    return "bench.s" + s;
  }

  /** The Java file of record {@code r}, relative to a source root. */
  Path recordFile(int r) {
    return Path.of(pkg(serviceOf(r)).replace('.', '/'), "R" + r + ".java");
  }

  /** The service whose records include {@code r}. */
  int serviceOf(int r) {
    int s = services() - 1;
    while (firstRecord(s) > r) {
      s--;
    }
    return s;
  }

  /** The Java file of service {@code s}'s interface, relative to a source root. */
  Path serviceFile(int s) {
    return Path.of(pkg(s).replace('.', '/'), "Service" + s + ".java");
  }

  /** The name of the {@code .proto} file the processor emits for service {@code s}. */
  String serviceProto(int s) {
    return pkg(s) + ".Service" + s + ".proto";
  }

  /** Whether record {@code r} has a field of record {@code other}'s type. */
  boolean nests(int r, int other) {
    return nested(r) == other;
  }

  /** Writes every source under {@code root}; returns the files written. */
  List<Path> write(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int s = 0; s < services(); s++) {
      Path dir = root.resolve(pkg(s).replace('.', '/'));
      Files.createDirectories(dir);
      files.add(write(dir.resolve("Kind.java"), kind(s)));
      files.add(write(dir.resolve("Service" + s + ".java"), service(s)));
      for (int r = firstRecord(s); r < firstRecord(s + 1); r++) {
        files.add(write(root.resolve(recordFile(r)), record(r, false)));
      }
    }
    return files;
  }

  /** Rewrites record {@code r} under {@code root} with one more field; returns its file. */
  Path changeRecord(Path root, int r) throws IOException {
    return write(root.resolve(recordFile(r)), record(r, true));
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String kind(int s) {
    return "package " + pkg(s) + ";\n\npublic enum Kind {\n  FIRST,\n  SECOND,\n  THIRD\n}\n";
  }

  private int methodsOf(int s) {
    return Math.min(METHODS_PER_SERVICE, methods - s * METHODS_PER_SERVICE);
  }

  /**
   * The first record of segment {@code k} of service {@code s}: each method's request and response
   * heads a segment, a chain in which every record nests the next.
   */
  private int segment(int s, int k) {
    int first = firstRecord(s);
    return first + (int) ((long) (firstRecord(s + 1) - first) * k / (2L * methodsOf(s)));
  }

  /** The record a field of record {@code r} nests (the next of its segment), or -1. */
  private int nested(int r) {
    int s = serviceOf(r);
    for (int k = 1; k <= 2 * methodsOf(s); k++) {
      if (r < segment(s, k)) {
        return r + 1 < segment(s, k) ? r + 1 : -1;
      }
    }
    return -1;
  }

  private String record(int r, boolean changed) {
    StringBuilder b = new StringBuilder();
    b.append("package ").append(pkg(serviceOf(r))).append(";\n\n");
    b.append("import java.util.List;\nimport java.util.Map;\n\n");
    b.append("public record R").append(r).append("(\n");
    b.append("    long id,\n    int count,\n    double score,\n    boolean active,\n");
    b.append("    String name,\n    List<String> tags,\n    Map<String, Long> totals,\n");
    b.append("    Kind kind");
    int nested = nested(r);
    if (nested >= 0) {
      b.append(",\n    List<R").append(nested).append("> children");
    }
    if (changed) {
      b.append(",\n    String added");
    }
    b.append(") {}\n");
    return b.toString();
  }

  private String service(int s) {
    StringBuilder b = new StringBuilder();
    b.append("package ").append(pkg(s)).append(";\n\n");
    b.append("import dev.typedrpc.annotations.RpcService;\n\n");
    b.append("@RpcService(name = \"").append(pkg(s)).append(".Service").append(s).append("\")\n");
    b.append("public interface Service").append(s).append(" {\n");
    for (int m = 0; m < methodsOf(s); m++) {
      b.append("  R").append(segment(s, 2 * m + 1)).append(" call").append(m);
      b.append("(R").append(segment(s, 2 * m)).append(" request);\n\n");
    }
    b.append("}\n");
    return b.toString();
  }
}
