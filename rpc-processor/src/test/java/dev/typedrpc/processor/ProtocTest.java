package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code protoc} (copied to {@code target/protoc} by the build) over every emitted
 * {@code .proto}, and checks the representative service's descriptor against its JSON descriptor.
 */
@Timeout(120)
class ProtocTest {
  static final Path PROTOC = Path.of("target", "protoc", "protoc.exe");
  static final Path INCLUDE = Path.of("target", "protoc", "include");

  private static final Map<String, String> protos = new HashMap<>();
  private static final Map<String, FileDescriptorProto> embedded = new HashMap<>();
  private static final Pattern LITERAL = Pattern.compile("\"([A-Za-z0-9+/=]*)\"");
  private static String exampleJson;

  @BeforeAll
  static void compile() throws IOException {
    Compilation example = TestCompiler.compile(TestCompiler.examples(TestCompiler.EXAMPLE));
    collect(example);
    exampleJson = text(example, "META-INF/typedrpc/example.chat.ChatService.json");
    // no package; a nested enum and records; two services sharing types in one compilation
    Compilation other =
        TestCompiler.compile(
            JavaFileObjects.forSourceLines(
                "q.Svc",
                "package q;",
                "import dev.typedrpc.annotations.*;",
                "import java.util.*;",
                "@RpcService(name = \"Bare\")",
                "public interface Svc {",
                "  record Item(String name, Kind kind, Map<Boolean, Item> children) {",
                "    enum Kind { NONE, SOME }",
                "  }",
                "  Optional<Item> find(int id, Optional<String> hint);",
                "  List<Item> all();",
                "  void put(Item item);",
                "}"),
            JavaFileObjects.forSourceLines(
                "q.Other",
                "package q;",
                "import dev.typedrpc.annotations.*;",
                "@RpcService",
                "public interface Other {",
                "  Svc.Item echo(Svc.Item item);",
                "  byte[] raw(byte[] data);",
                "  Note note(Note note);", // the method's schema name equals its message's name
                "}"),
            JavaFileObjects.forSourceLines(
                "q.Note", "package q;", "public record Note(String text) {}"));
    assertThat(other).succeededWithoutWarnings();
    collect(other);
    // keywords as names, shadowing nested types, a nested type whose outer type the service does
    // not
    // use (written as a holder message), a type nested in the service, acronyms, enum prefixes
    Compilation names =
        TestCompiler.compile(
            JavaFileObjects.forSourceLines(
                "kw.Words",
                "package kw;",
                "import dev.typedrpc.annotations.*;",
                "import java.util.*;",
                "@RpcService(name = \"kw.v1.Words\")",
                "public interface Words {",
                "  record message(String option, String syntax, String message, int max, String to,",
                "      String returns, String stream, String map, String optional, String URL) {}",
                "  message message(message m);",
                "  Order order(Order o, Item i, Outer.Inner inner);",
                "  void google(google g);",
                "}"),
            JavaFileObjects.forSourceLines(
                "kw.Item", "package kw;", "public record Item(int x) {}"),
            JavaFileObjects.forSourceLines(
                "kw.google", "package kw;", "public record google(int protobuf) {}"),
            JavaFileObjects.forSourceLines(
                "kw.Outer",
                "package kw;",
                "public record Outer(int x) {",
                "  public record Inner(Kind kind) {}",
                "  public enum Kind { KIND_NONE, HTTPError }",
                "}"),
            JavaFileObjects.forSourceLines(
                "kw.Order",
                "package kw;",
                "public sealed interface Order permits Order.Item, Order.Empty {",
                "  record Item(kw.Item top, java.time.Instant at) implements Order {}",
                "  record Empty() implements Order {}",
                "}"));
    assertThat(names).succeededWithoutWarnings();
    collect(names);
    // bytes (byte[] and ByteString) in every position, streams included
    collect(TestCompiler.compile(BytesRoundTripTest.sources()));
    assertThat(protos)
        .containsKeys("example.chat.ChatService", "Bare", "q.Other", "kw.v1.Words", "bytes.Files");
  }

  private static void collect(Compilation c) throws IOException {
    assertThat(c).succeeded();
    for (JavaFileObject f : c.generatedFiles()) {
      String path = f.toUri().getPath();
      if (path.endsWith(".proto")) {
        String name = path.substring(path.lastIndexOf('/') + 1, path.length() - ".proto".length());
        protos.put(name, f.getCharContent(false).toString());
      } else if (path.endsWith("Rpc.java")) {
        FileDescriptorProto d = embeddedDescriptor(f.getCharContent(false).toString());
        embedded.put(d.getName().substring(0, d.getName().length() - ".proto".length()), d);
      }
    }
  }

  /** The descriptor in the base64 lines of a generated {@code fileDescriptor()}. */
  private static FileDescriptorProto embeddedDescriptor(String source) throws IOException {
    int start = source.indexOf("String.join(\"\",");
    int end = source.indexOf(")))", start);
    assertThat(start).as("fileDescriptor() in%n%s", source).isPositive();
    StringBuilder base64 = new StringBuilder();
    Matcher m = LITERAL.matcher(source.substring(start + "String.join(\"\",".length(), end));
    while (m.find()) {
      base64.append(m.group(1));
    }
    return FileDescriptorProto.parseFrom(Base64.getDecoder().decode(base64.toString()));
  }

  private static String text(Compilation c, String path) throws IOException {
    return c.generatedFile(StandardLocation.CLASS_OUTPUT, path)
        .orElseThrow()
        .getCharContent(false)
        .toString();
  }

  private static FileDescriptorSet protoc(Path dir, String name) throws Exception {
    Path file = dir.resolve(name + ".proto");
    Files.writeString(file, protos.get(name), StandardCharsets.UTF_8);
    Path out = dir.resolve(name + ".pb");
    Path exe = PROTOC.toAbsolutePath();
    exe.toFile().setExecutable(true);
    Process p =
        new ProcessBuilder(
                exe.toString(),
                "--proto_path=" + dir,
                "--proto_path=" + INCLUDE.toAbsolutePath(),
                "--descriptor_set_out=" + out,
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("protoc on %s:%n%s%n%s", name, output, protos.get(name)).isZero();
    return FileDescriptorSet.parseFrom(Files.readAllBytes(out));
  }

  @Test
  void protocAcceptsEveryEmittedProto(@TempDir Path dir) throws Exception {
    for (String name : protos.keySet()) {
      FileDescriptorSet set = protoc(dir, name);
      assertThat(set.getFileCount()).isEqualTo(1);
    }
  }

  @Test
  void embeddedDescriptorIsWhatProtocMakesOfTheProto(@TempDir Path dir) throws Exception {
    assertThat(embedded.keySet()).isEqualTo(protos.keySet());
    for (String name : protos.keySet()) {
      FileDescriptorProto expected = protoc(dir, name).getFile(0);
      assertThat(embedded.get(name)).as(name).isEqualTo(expected);
    }
  }

  /** {@code @Idempotent} becomes protobuf's idempotency_level, as protoc reads it. */
  @Test
  void idempotentMethodsCarryTheirIdempotencyLevel(@TempDir Path dir) throws Exception {
    FileDescriptorProto file = protoc(dir, "example.chat.ChatService").getFile(0);
    Map<String, String> levels = new TreeMap<>();
    for (MethodDescriptorProto m : file.getService(0).getMethodList()) {
      if (m.getOptions().hasIdempotencyLevel()) {
        levels.put(m.getName(), m.getOptions().getIdempotencyLevel().name());
      }
    }
    assertThat(levels)
        .containsExactly(
            Map.entry("Clear", "IDEMPOTENT"),
            Map.entry("Fetch", "NO_SIDE_EFFECTS"),
            Map.entry("Get", "NO_SIDE_EFFECTS"),
            Map.entry("Ping", "NO_SIDE_EFFECTS"));
    MethodDescriptorProto ping =
        file.getService(0).getMethodList().stream()
            .filter(m -> m.getName().equals("Ping"))
            .findFirst()
            .orElseThrow();
    assertThat(ping.getOptions().getDeprecated()).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void descriptorMatchesJson(@TempDir Path dir) throws Exception {
    FileDescriptorProto file = protoc(dir, "example.chat.ChatService").getFile(0);
    assertThat(file.getPackage()).isEqualTo("example.chat");
    assertThat(file.getService(0).getName()).isEqualTo("ChatService");
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(exampleJson);
    Map<String, DescriptorProto> byName = new HashMap<>();
    flatten("", file.getMessageTypeList(), byName);
    List<Object> messages = (List<Object>) json.get("messages");
    assertThat(byName.keySet()).hasSize(messages.size());
    int checked = 0;
    for (Object o : messages) {
      Map<String, Object> m = (Map<String, Object>) o;
      DescriptorProto d = byName.get((String) m.get("name"));
      assertThat(d).as((String) m.get("name")).isNotNull();
      List<Object> fields = new ArrayList<>((List<Object>) m.get("fields"));
      for (Object oneof : (List<Object>) m.get("oneofs")) {
        fields.addAll((List<Object>) ((Map<String, Object>) oneof).get("fields"));
      }
      assertThat(d.getFieldCount()).isEqualTo(fields.size());
      for (Object fo : fields) {
        Map<String, Object> f = (Map<String, Object>) fo;
        FieldDescriptorProto fd = field(d, (String) f.get("name"));
        assertThat(fd.getNumber()).isEqualTo(((Long) f.get("number")).intValue());
        String label = (String) f.getOrDefault("label", "singular");
        assertThat(fd.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED)
            .as(fd.getName())
            .isEqualTo(label.equals("repeated") || label.equals("map"));
        assertThat(typeName(fd, d)).as(d.getName() + "." + fd.getName()).isEqualTo(f.get("type"));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  /** Messages by name relative to the package ({@code Shape.Circle}), without map entries. */
  private static void flatten(
      String prefix, List<DescriptorProto> messages, Map<String, DescriptorProto> out) {
    for (DescriptorProto d : messages) {
      if (!d.getOptions().getMapEntry()) {
        out.put(prefix + d.getName(), d);
        flatten(prefix + d.getName() + ".", d.getNestedTypeList(), out);
      }
    }
  }

  private static FieldDescriptorProto field(DescriptorProto d, String name) {
    for (FieldDescriptorProto f : d.getFieldList()) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    throw new AssertionError(d.getName() + " has no field " + name);
  }

  /** The proto type name as the JSON descriptor writes it (map fields: the value type). */
  private static String typeName(FieldDescriptorProto f, DescriptorProto owner) {
    if (f.hasTypeName()) {
      String t = f.getTypeName().replaceFirst("^\\.example\\.chat\\.", "").replaceFirst("^\\.", "");
      for (DescriptorProto nested : owner.getNestedTypeList()) {
        if (nested.getOptions().getMapEntry() && t.endsWith("." + nested.getName())) {
          return typeName(nested.getField(1), nested);
        }
      }
      return t;
    }
    return f.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
  }
}
