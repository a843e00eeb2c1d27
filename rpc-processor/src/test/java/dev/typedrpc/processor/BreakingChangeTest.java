package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The baseline check, one case per rule: a v1 source is compiled first and its JSON descriptor
 * becomes the baseline (so baselines never go stale), then the v2 source is compiled against it.
 */
@Timeout(120)
class BreakingChangeTest {

  /**
   * {@code rule} reported as {@code kind} (containing {@code fragment}) in {@code v2[0]} on the
   * line containing {@code line}.
   */
  record Case(
      Message rule,
      Diagnostic.Kind kind,
      String fragment,
      String line,
      List<JavaFileObject> v1,
      List<JavaFileObject> v2) {
    @Override
    public String toString() {
      return rule.name();
    }
  }

  private static List<String> header() {
    return List.of(
        "package t;",
        "import dev.typedrpc.annotations.*;",
        "import java.util.*;",
        "import java.util.concurrent.*;");
  }

  /** Service {@code t.Svc} at {@code version} with the given body lines. */
  static JavaFileObject svc(int version, String... body) {
    return svc("@RpcService(version = " + version + ")", body);
  }

  static JavaFileObject svc(String annotation, String... body) {
    List<String> lines = new ArrayList<>(header());
    lines.add(annotation);
    lines.add("public interface Svc {");
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("t.Svc", lines);
  }

  static JavaFileObject type(String name, String... body) {
    List<String> lines = new ArrayList<>(header());
    lines.addAll(List.of(body));
    return JavaFileObjects.forSourceLines("t." + name, lines);
  }

  private static List<JavaFileObject> v(JavaFileObject... sources) {
    return List.of(sources);
  }

  private static Case error(
      Message rule,
      String fragment,
      String line,
      List<JavaFileObject> v1,
      List<JavaFileObject> v2) {
    return new Case(rule, Diagnostic.Kind.ERROR, fragment, line, v1, v2);
  }

  private static final JavaFileObject USES_R = svc(1, "  void m(R r);");
  private static final JavaFileObject USES_R_V2 = svc(2, "  void m(R r);");
  private static final JavaFileObject USES_E = svc(1, "  void m(E e);");
  private static final JavaFileObject USES_E_V2 = svc(2, "  void m(E e);");
  private static final JavaFileObject USES_S = svc(1, "  void m(S s);");
  private static final JavaFileObject USES_S_V2 = svc(2, "  void m(S s);");

  private static JavaFileObject sealed(String... cases) {
    List<String> lines = new ArrayList<>();
    StringBuilder permits = new StringBuilder();
    for (String c : cases) {
      String name = c.substring(c.indexOf("record ") + 7, c.indexOf('(', c.indexOf("record ")));
      permits.append(permits.length() == 0 ? "" : ", ").append("S.").append(name);
      lines.add("  " + c + " implements S {}");
    }
    List<String> all = new ArrayList<>();
    all.add("public sealed interface S permits " + permits + " {");
    all.addAll(lines);
    all.add("}");
    return type("S", all.toArray(new String[0]));
  }

  static Stream<Case> cases() {
    return Stream.of(
        error(
            Message.SERVICE_RENAMED,
            "released as t.Old (baseline t.Old.json), but Svc is now named t.New",
            "public interface Svc",
            v(svc("@RpcService(name = \"t.Old\")", "  void m();")),
            v(svc("@RpcService(name = \"t.New\")", "  void m();"))),
        error(
            Message.VERSION_NOT_BUMPED,
            "t.Svc is version 1 and the baseline is version 1 but adds method b. Set"
                + " @RpcService(version = 2)",
            "@RpcService(version = 1)",
            v(svc(1, "  void a();")),
            v(svc(1, "  void a();", "  void b();"))),
        error(
            Message.SINCE_MISSING,
            "method b is new and has @Since(1). Annotate it @Since(2)",
            "void b()",
            v(svc(1, "  void a();")),
            v(svc(2, "  void a();", "  void b();"))),
        error(
            Message.METHOD_NO_DELETE,
            "method b of t.Svc (since version 1) was removed",
            "public interface Svc",
            v(svc(1, "  void a();", "  void b();")),
            v(svc(2, "  void a();"))),
        error(
            Message.METHOD_CALL_KIND_CHANGED,
            "method a was UNARY and is now SERVER_STREAMING",
            "Flow.Publisher<String> a(String s)",
            v(svc(1, "  String a(String s);")),
            v(svc(2, "  Flow.Publisher<String> a(String s);"))),
        error(
            Message.METHOD_REQUEST_TYPE_CHANGED,
            "the request of method a was message R and is now Q",
            "void a(Q q)",
            v(svc(1, "  void a(R r);"), type("R", "public record R(int x) {}")),
            v(svc(2, "  void a(Q q);"), type("Q", "public record Q(int x) {}"))),
        error(
            Message.METHOD_RESPONSE_TYPE_CHANGED,
            "the response of method a was message R and is now Q",
            "Q a()",
            v(svc(1, "  R a();"), type("R", "public record R(int x) {}")),
            v(svc(2, "  Q a();"), type("Q", "public record Q(int x) {}"))),
        error(
            Message.FIELD_NO_DELETE_UNLESS_RESERVED,
            "Add numbers = 2, names = \"b\" to the @Reserved of R",
            "public record R",
            v(USES_R, type("R", "public record R(int a, int b) {}")),
            v(type("R", "public record R(int a) {}"), USES_R_V2)),
        error(
            Message.FIELD_NUMBER_REUSED,
            "R.c uses number 2, which was reserved in the baseline",
            "int c",
            v(
                USES_R,
                type("R", "@Reserved(numbers = 2, names = \"b\")", "public record R(int a) {}")),
            v(type("R", "public record R(", "    int a,", "    @Since(2) int c) {}"), USES_R_V2)),
        error(
            Message.FIELD_RENUMBERED,
            "R.b was number 2 and is now 3",
            "int b",
            v(USES_R, type("R", "public record R(int a, int b) {}")),
            v(type("R", "public record R(", "    int a,", "    @Field(3) int b) {}"), USES_R)),
        error(
            Message.FIELD_WIRE_INCOMPATIBLE_TYPE,
            "R.a (number 1) was int32 and is now string",
            "String a",
            v(USES_R, type("R", "public record R(int a) {}")),
            v(type("R", "public record R(", "    String a) {}"), USES_R)),
        error(
            Message.FIELD_CARDINALITY_CHANGED,
            "R.a (number 1) was singular and is now repeated",
            "List<Integer> a",
            v(USES_R, type("R", "public record R(int a) {}")),
            v(type("R", "public record R(", "    List<Integer> a) {}"), USES_R)),
        error(
            Message.FIELD_PRESENCE_CHANGED,
            "R.a (number 1) had no presence",
            "Integer a",
            v(USES_R, type("R", "public record R(int a) {}")),
            v(type("R", "public record R(", "    Integer a) {}"), USES_R)),
        new Case(
            Message.FIELD_RENAMED,
            Diagnostic.Kind.WARNING,
            "field 1 of R was named a and is now b",
            "int b",
            v(USES_R, type("R", "public record R(int a) {}")),
            v(type("R", "public record R(", "    int b) {}"), USES_R)),
        error(
            Message.ENUM_VALUE_NO_DELETE_UNLESS_RESERVED,
            "enum value B = 1 of E was deleted without reserving its number and name",
            "public enum E",
            v(USES_E, type("E", "public enum E { A, B }")),
            v(type("E", "public enum E { A }"), USES_E_V2)),
        error(
            Message.ENUM_VALUE_RENUMBERED,
            "enum value E.B was number 1 and is now 2",
            "@Field(2) B",
            v(USES_E, type("E", "public enum E { A, B }")),
            v(type("E", "public enum E {", "  A,", "  @Field(2) B", "}"), USES_E)),
        new Case(
            Message.ENUM_VALUE_RENAMED,
            Diagnostic.Kind.WARNING,
            "number 1 of enum E was named E_B and is now E_C",
            "C",
            v(USES_E, type("E", "public enum E { A, B }")),
            v(type("E", "public enum E {", "  A,", "  C", "}"), USES_E)),
        error(
            Message.ONEOF_CASE_NO_DELETE_UNLESS_RESERVED,
            "subtype Y (oneof case 2) of S was removed without reserving its number and name",
            "sealed interface S",
            v(USES_S, sealed("record X()", "record Y()")),
            v(sealed("record X()"), USES_S_V2)),
        error(
            Message.ONEOF_CASE_RENUMBERED,
            "subtype Y was oneof case 2 and is now 3",
            "record Y",
            v(USES_S, sealed("record X()", "record Y()")),
            v(sealed("record X()", "@Field(3) record Y()"), USES_S)),
        new Case(
            Message.BREAKING_CHANGE_ACCEPTED,
            Diagnostic.Kind.NOTE,
            "[BreakingChangeAccepted] FIELD_NO_DELETE_UNLESS_RESERVED is accepted on R by"
                + " @AcceptBreakingChange(reason = \"b never shipped to clients\")",
            "@AcceptBreakingChange",
            v(USES_R, type("R", "public record R(int a, int b) {}")),
            v(
                type(
                    "R",
                    "@AcceptBreakingChange(rule = \"FIELD_NO_DELETE_UNLESS_RESERVED\",",
                    "    reason = \"b never shipped to clients\")",
                    "public record R(int a) {}"),
                USES_R)),
        error(
            Message.UNKNOWN_BREAKING_RULE,
            "R names \"FIELD_DELETED\". Use one of: ENUM_VALUE_NO_DELETE_UNLESS_RESERVED,",
            "rule = \"FIELD_DELETED\"",
            v(USES_R, type("R", "public record R(int a, int b) {}")),
            v(
                type(
                    "R",
                    "@AcceptBreakingChange(rule = \"FIELD_DELETED\", reason = \"x\")",
                    "public record R(int a) {}"),
                USES_R)));
  }

  /** Compiles {@code v1} and writes its JSON descriptors into {@code dir}. */
  static void release(List<JavaFileObject> v1, Path dir) {
    Compilation compilation = TestCompiler.compile(v1);
    assertThat(compilation).succeededWithoutWarnings();
    for (JavaFileObject f : compilation.generatedFiles()) {
      String path = f.toUri().getPath();
      if (f.getKind() == JavaFileObject.Kind.OTHER && path.endsWith(".json")) {
        try {
          Files.writeString(
              dir.resolve(path.substring(path.lastIndexOf('/') + 1)),
              f.getCharContent(false),
              StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  static Compilation compileAgainst(Path baseline, List<JavaFileObject> v2, boolean werror) {
    String option = "-A" + RpcProcessor.BASELINE_OPTION + "=" + baseline;
    if (werror) {
      return TestCompiler.compile(v2, option);
    }
    return com.google.testing.compile.Compiler.javac()
        .withProcessors(new RpcProcessor())
        .withOptions("-Xlint:all,-processing", option)
        .compile(v2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsRuleOnElement(Case c, @TempDir Path dir) {
    release(c.v1(), dir);
    Compilation compilation = compileAgainst(dir, c.v2(), c.kind() == Diagnostic.Kind.ERROR);
    String tag = "[" + c.rule().tag() + "]";
    JavaFileObject file = c.v2().get(0);
    switch (c.kind()) {
      case ERROR -> {
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining(tag).inFile(file).onLineContaining(c.line());
        assertThat(compilation).hadErrorContaining(c.fragment());
      }
      case WARNING -> {
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining(tag).inFile(file).onLineContaining(c.line());
        assertThat(compilation).hadWarningContaining(c.fragment());
      }
      default -> {
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).hadNoteContaining(tag).inFile(file).onLineContaining(c.line());
        assertThat(compilation).hadNoteContaining(c.fragment());
      }
    }
  }

  @Test
  void compatibleEvolutionPasses(@TempDir Path dir) {
    release(
        List.of(
            svc(1, "  R get(E e);", "  void put(S s, int n);", "  void gone();"),
            type("R", "public record R(int a, String b, int c) {}"),
            type("E", "public enum E { A, B }"),
            sealed("record X()", "record Y()")),
        dir);
    Compilation v2 =
        TestCompiler.compile(
            List.of(
                svc(
                    "@RpcService(version = 2) @Reserved(names = \"gone\")",
                    "  R get(E e);",
                    "  void put(S s, long n, @Since(2) Optional<String> note);",
                    "  @Since(2) void added();"),
                type(
                    "R",
                    "@Reserved(numbers = 3, names = \"c\")",
                    "public record R(long a, byte[] b, @Field(4) @Since(2) List<String> tags) {}"),
                type("E", "public enum E { A, B, @Since(2) C, @Unrecognized UNKNOWN }"),
                sealed(
                    "record X()",
                    "record Y()",
                    "@Since(2) record Z()",
                    "@Unrecognized record Other(int fieldNumber, byte[] bytes)")),
            "-A" + RpcProcessor.BASELINE_OPTION + "=" + dir);
    assertThat(v2).succeededWithoutWarnings();
  }

  @Test
  void unreleasedServiceIsNotChecked(@TempDir Path dir) {
    assertThat(
            TestCompiler.compile(
                List.of(svc(3, "  void a();")), "-A" + RpcProcessor.BASELINE_OPTION + "=" + dir))
        .succeededWithoutWarnings();
  }

  @Test
  void unreadableBaselineIsAnError(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("t.Svc.json"), "{\"service\": ");
    Compilation compilation = compileAgainst(dir, List.of(svc(1, "  void a();")), true);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[BaselineUnreadable]")
        .inFile(svc(1))
        .onLineContaining("public interface Svc");
  }

  @Test
  void descriptorIsWrittenEvenWithoutBaseline() {
    Compilation compilation = TestCompiler.compile(List.of(svc(1, "  void a();")));
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/typedrpc/t.Svc.json");
  }
}
