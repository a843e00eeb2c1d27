package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One negative compilation per {@link Message}: the error's text, file and line. */
@Timeout(120)
class DiagnosticsTest {

  /**
   * A compilation that must fail with {@code message} (containing {@code fragment}) in {@code
   * sources[0]} on the line containing {@code line}.
   */
  record Case(
      Message message,
      String fragment,
      String line,
      List<String> options,
      List<JavaFileObject> sources) {
    Case(
        Message message,
        String fragment,
        String line,
        List<String> options,
        JavaFileObject... sources) {
      this(message, fragment, line, options, List.of(sources));
    }

    @Override
    public String toString() {
      return message.name();
    }
  }

  private static JavaFileObject source(String name, String... lines) {
    return JavaFileObjects.forSourceLines(name, lines);
  }

  /**
   * A service {@code t.Svc} with the given body lines (imports of the annotations and java.util).
   */
  private static JavaFileObject service(String... body) {
    List<String> lines = new ArrayList<>(header("t"));
    lines.add("@RpcService(version = 2) public interface Svc {");
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("t.Svc", lines);
  }

  private static List<String> header(String pkg) {
    return List.of(
        "package " + pkg + ";",
        "import dev.typedrpc.annotations.*;",
        "import java.util.*;",
        "import java.util.concurrent.*;");
  }

  private static JavaFileObject type(String name, String... body) {
    List<String> lines = new ArrayList<>(header("t"));
    lines.addAll(List.of(body));
    return JavaFileObjects.forSourceLines("t." + name, lines);
  }

  private static Case error(Message m, String fragment, String line, JavaFileObject... sources) {
    return new Case(m, fragment, line, List.of(), sources);
  }

  static Stream<Case> cases() {
    return Stream.of(
        error(
            Message.RPC_NOT_INTERFACE,
            "Svc is a class",
            "class Svc",
            type("Svc", "@RpcService public class Svc {}")),
        error(
            Message.GENERIC_SERVICE,
            "Svc declares T",
            "interface Svc<T>",
            type("Svc", "@RpcService public interface Svc<T> {", "  void m(int a);", "}")),
        error(
            Message.GENERIC_METHOD, "m declares T", "<T> void m", service("  <T> void m(int a);")),
        error(
            Message.OVERLOADED_METHOD,
            "m is declared more than once",
            "void m(String b)",
            service("  void m(int a);", "  void m(String b);")),
        error(
            Message.UNSUPPORTED_TYPE,
            "m.s has type java.util.Set<java.lang.String>",
            "void m(Set<String> s)",
            service("  void m(Set<String> s);")),
        error(
            Message.CHECKED_EXCEPTION,
            "declares java.io.IOException",
            "throws java.io.IOException",
            service("  void m() throws java.io.IOException;")),
        error(
            Message.RESUMABLE_NOT_SERVER_STREAMING,
            "Svc.m is unary",
            "@Resumable",
            service("  @Resumable", "  String m(String a);")),
        error(
            Message.RESUMABLE_RESPONSE_NOT_RECORD,
            "Svc.m streams java.lang.String",
            "@Resumable",
            service("  @Resumable", "  Flow.Publisher<String> m(String a);")),
        error(
            Message.POSITION_MISSING,
            "t.Svc.Ev has no @Position component",
            "@Resumable",
            service("  record Ev(long p) {}", "  @Resumable", "  Flow.Publisher<Ev> m(String a);")),
        error(
            Message.POSITION_DUPLICATE,
            "Ev marks both first and second with @Position",
            "@Position long second",
            service(
                "  record Ev(@Position long first,",
                "      @Position long second) {}",
                "  @Resumable Flow.Publisher<Ev> m(String a);")),
        error(
            Message.POSITION_NOT_LONG,
            "Ev.p has type int",
            "@Position int p",
            service(
                "  record Ev(@Position int p) {}", "  @Resumable Flow.Publisher<Ev> m(String a);")),
        error(
            Message.ACCESS_POLICY_CONFLICT,
            "Svc.m has both @DenyAll and @RolesAllowed",
            "@jakarta.annotation.security.DenyAll",
            service(
                "  @jakarta.annotation.security.RolesAllowed(\"admin\")",
                "  @jakarta.annotation.security.DenyAll",
                "  void m();")),
        error(
            Message.ACCESS_POLICY_CONFLICT,
            "Svc.m has both @DenyAll and @PermitAll",
            "@jakarta.annotation.security.DenyAll",
            service(
                "  @jakarta.annotation.security.PermitAll",
                "  @jakarta.annotation.security.DenyAll",
                "  void m();")),
        error(
            Message.ACCESS_POLICY_CONFLICT,
            "interface Svc has both @PermitAll and @RolesAllowed",
            "@jakarta.annotation.security.PermitAll",
            type(
                "Svc",
                "@RpcService",
                "@jakarta.annotation.security.RolesAllowed(\"admin\")",
                "@jakarta.annotation.security.PermitAll",
                "public interface Svc { void m(); }")),
        error(
            Message.ROLES_ALLOWED_EMPTY,
            "the one on Svc.m lists none",
            "RolesAllowed({})",
            service("  @jakarta.annotation.security.RolesAllowed({})", "  void m();")),
        error(
            Message.ROLES_ALLOWED_EMPTY,
            "the one on interface Svc lists none",
            "RolesAllowed({})",
            type(
                "Svc",
                "@RpcService",
                "@jakarta.annotation.security.RolesAllowed({})",
                "public interface Svc { void m(); }")),
        error(
            Message.ROLE_BLANK,
            "@RolesAllowed on Svc.m lists \" \"",
            "RolesAllowed({\"admin\", \" \"})",
            service(
                "  @jakarta.annotation.security.RolesAllowed({\"admin\", \" \"})", "  void m();")),
        error(
            Message.ANNOTATION_ON_NON_RPC,
            "@Idempotent applies to RPC methods (the abstract methods of an @RpcService interface),"
                + " but Svc.helper is a default method",
            "@Idempotent",
            service("  void m();", "  @Idempotent", "  default String helper() { return \"\"; }")),
        error(
            Message.ANNOTATION_ON_NON_RPC,
            "@RolesAllowed applies to RPC methods",
            "@jakarta.annotation.security.RolesAllowed",
            service(
                "  void m();",
                "  @jakarta.annotation.security.RolesAllowed(\"admin\")",
                "  static String util() { return \"\"; }")),
        error(
            Message.DUPLICATE_FIELD_NUMBER,
            "R.b reuses number 1 of R.a",
            "int b",
            type("R", "public record R(", "    @Field(1) int a,", "    @Field(1) int b) {}"),
            service("  void m(R r);")),
        error(
            Message.FIELD_NUMBER_OUT_OF_RANGE,
            "R.a has 0",
            "int a",
            type("R", "public record R(", "    @Field(0) int a) {}"),
            service("  void m(R r);")),
        error(
            Message.FIELD_NUMBER_IN_RESERVED_RANGE,
            "R.a has 19500",
            "int a",
            type("R", "public record R(", "    @Field(19500) int a) {}"),
            service("  void m(R r);")),
        error(
            Message.RESERVED_NUMBER_REUSED,
            "R.b has number 2, reserved by R",
            "int b",
            type("R", "@Reserved(numbers = 2)", "public record R(", "    int a,", "    int b) {}"),
            service("  void m(R r);")),
        error(
            Message.RESERVED_NAME_REUSED,
            "R.b is reserved by R",
            "int b",
            type(
                "R", "@Reserved(names = \"b\")", "public record R(", "    int a,", "    int b) {}"),
            service("  void m(R r);")),
        error(
            Message.SINCE_ABOVE_VERSION,
            "@Since(3) and t.Svc is version 2",
            "@Since(3)",
            service("  @Since(3) void m();")),
        error(
            Message.ENUM_NO_ZERO,
            "t.E has none",
            "enum E",
            type("E", "public enum E {", "  @Field(1) A,", "  @Field(2) B", "}"),
            service("  void m(E e);")),
        error(
            Message.DUPLICATE_ENUM_NUMBER,
            "E.B reuses number 0 of E.A",
            "@Field(0) B",
            type("E", "public enum E {", "  A,", "  @Field(0) B", "}"),
            service("  void m(E e);")),
        error(
            Message.SEALED_NON_RECORD,
            "S permits t.S.B",
            "sealed interface S",
            type(
                "S",
                "public sealed interface S permits S.A, S.B {",
                "  record A() implements S {}",
                "  final class B implements S {}",
                "}"),
            service("  void m(S s);")),
        error(
            Message.INTERFACE_NOT_SEALED,
            "t.I (used by m.i) is not",
            "void m(I i)",
            service("  void m(I i);"),
            type("I", "public interface I {}")),
        error(
            Message.RECURSIVE_RECORD,
            "Node reaches Node again",
            "Node next",
            type("Node", "public record Node(", "    String value,", "    Node next) {}"),
            service("  void m(Node n);")),
        error(
            Message.UNSUPPORTED_MAP_KEY,
            "has key type java.lang.Double",
            "void m(Map<Double, String> m)",
            service("  void m(Map<Double, String> m);")),
        error(
            Message.NESTED_COLLECTION,
            "m.l has type java.util.List<java.util.List<java.lang.String>>",
            "void m(List<List<String>> l)",
            service("  void m(List<List<String>> l);")),
        error(
            Message.SYNTHESIZED_NAME_CLASH,
            "method post needs message PostRequest, which t.PostRequest already uses",
            "void post(String a, String b)",
            service("  void post(String a, String b);", "  PostRequest get();"),
            type("PostRequest", "public record PostRequest(String a) {}")),
        error(
            Message.PROTO_NAME_CLASH,
            "a.Point and b.Point are both named Point",
            "record Point",
            source("b.Point", "package b;", "public record Point(int x) {}"),
            source("a.Point", "package a;", "public record Point(int x) {}"),
            service("  void m(a.Point p, b.Point q);")),
        error(
            Message.PUBLISHER_PARAMETER,
            "m has it at parameter p",
            "void m(Flow.Publisher<String> p, int x)",
            service("  void m(Flow.Publisher<String> p, int x);")),
        error(
            Message.METHOD_NAME_CLASH,
            "serviceName maps to constant SERVICE_NAME, which the generated constant SERVICE_NAME"
                + " already uses",
            "String serviceName()",
            service("  String serviceName();")),
        error(
            Message.METHOD_NAME_CLASH,
            "GetX maps to constant GET_X, which method getX already uses",
            "void GetX()",
            service("  void getX();", "  void GetX();")),
        error(
            Message.METHOD_NAME_CLASH,
            "getUrl maps to constant GET_URL, which method getURL already uses",
            "void getUrl()",
            service("  void getURL();", "  void getUrl();")),
        error(
            Message.INHERITED_METHOD,
            "Svc inherits abstract method base from Base. Redeclare it in Svc",
            "interface Svc extends Base",
            type("Svc", "@RpcService public interface Svc extends Base {", "  void m();", "}"),
            type("Base", "public interface Base {", "  void base();", "}")),
        error(
            Message.INACCESSIBLE_TYPE,
            "Outer.P is private",
            "private record P",
            type(
                "Outer",
                "public class Outer {",
                "  private record P(int x) {}",
                "  @RpcService public interface Svc {",
                "    void m(P p);",
                "  }",
                "}")),
        error(
            Message.SINCE_BELOW_ONE,
            "m has @Since(0)",
            "@Since(0)",
            service("  @Since(0) void m();")),
        error(
            Message.NOT_ABSENT_TOLERANT,
            "R.at has @Since(2) and type java.time.Instant",
            "java.time.Instant at",
            type("R", "public record R(", "    int a,", "    @Since(2) java.time.Instant at) {}"),
            service("  void m(R r);")),
        error(
            Message.DUPLICATE_UNRECOGNIZED,
            "E declares U and V",
            "@Unrecognized V",
            type("E", "public enum E {", "  A,", "  @Unrecognized U,", "  @Unrecognized V", "}"),
            service("  void m(E e);")),
        error(
            Message.UNRECOGNIZED_SHAPE,
            "S.Other has (java.lang.String name)",
            "record Other",
            type(
                "S",
                "public sealed interface S permits S.A, S.Other {",
                "  record A() implements S {}",
                "  @Unrecognized record Other(String name) implements S {}",
                "}"),
            service("  void m(S s);")),
        error(
            Message.UNRECOGNIZED_NUMBERED,
            "E.U has @Field",
            "@Unrecognized @Field(9) U",
            type("E", "public enum E {", "  A,", "  @Unrecognized @Field(9) U", "}"),
            service("  void m(E e);")),
        error(
            Message.ADAPTER_MISSING,
            "watch uses reactor.core.publisher.Flux, which typedrpc supports through"
                + " dev.typedrpc.reactor.ReactorAdapters, but that class is not on the class path. Add the"
                + " dependency dev.typedrpc:rpc-reactor",
            "Flux<String> watch(String room)",
            service("  reactor.core.publisher.Flux<String> watch(String room);"),
            source(
                "reactor.core.publisher.Flux",
                "package reactor.core.publisher;",
                "public class Flux<T> {}")),
        error(
            Message.ADAPTER_MISSING,
            "Add the dependency dev.typedrpc:rpc-rxjava",
            "Flowable<String> words",
            service(
                "  CompletableFuture<String> join(",
                "      io.reactivex.rxjava3.core.Flowable<String> words);"),
            source(
                "io.reactivex.rxjava3.core.Flowable",
                "package io.reactivex.rxjava3.core;",
                "public class Flowable<T> {}")),
        error(
            Message.PUBLISHER_PARAMETER,
            "(not a blocking Stream<R>), but m has it at parameter p",
            "Flow.Publisher<String> p",
            service("  java.util.stream.Stream<String> m(Flow.Publisher<String> p);")),
        error(
            Message.METHOD_NAME_CLASH,
            "rpcCallOptions maps to constant RPC_CALL_OPTIONS, which the generated stub method"
                + " rpcCallOptions already uses",
            "String rpcCallOptions()",
            service("  String rpcCallOptions();")),
        error(
            Message.INACCESSIBLE_FROM_SERVICE,
            "Cur (package u) is not public, and the service is in package t. Make Cur public",
            "enum Cur",
            source("u.Cur", "package u;", "enum Cur { EUR }"),
            source("u.Money", "package u;", "public record Money(Cur cur) {}"),
            service("  void m(u.Money m);")),
        error(
            Message.GENERATED_NAME_CLASH,
            "generates t.SvcRpcCodecs for service t.Svc, but a type of that name exists already",
            "interface Svc",
            service("  void m();"),
            type("SvcRpcCodecs", "class SvcRpcCodecs {}")),
        error(
            Message.GENERATED_NAME_CLASH,
            "generates A_BRpc and A_BRpcCodecs for service t.A_B",
            "interface A_B",
            type(
                "A",
                "public class A {",
                "  @RpcService public interface B { void m(); }",
                "}",
                "@RpcService interface A_B { void m(); }")),
        error(
            Message.DUPLICATE_SERVICE_NAME,
            "t.Outer.First and t.Outer.Second are both named x.Same",
            "interface Second",
            type(
                "Outer",
                "public class Outer {",
                "  @RpcService(name = \"x.Same\") public interface First { void m(); }",
                "  @RpcService(name = \"x.Same\") public interface Second { void m(); }",
                "}")),
        new Case(
            Message.PROCESSOR_BUG,
            "crashed on Svc",
            "interface Svc",
            List.of("-A" + RpcProcessor.CRASH_OPTION),
            service("  void m();")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsErrorOnElement(Case c) {
    Compilation compilation = TestCompiler.compile(c.sources(), c.options().toArray(new String[0]));
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[" + c.message().tag() + "]")
        .inFile(c.sources().get(0))
        .onLineContaining(c.line());
    assertThat(compilation).hadErrorContaining(c.fragment());
  }

  @Test
  void everyMessageHasANegativeTest() {
    Set<Message> covered = EnumSet.noneOf(Message.class);
    cases().forEach(c -> covered.add(c.message()));
    ProtoNamesTest.cases().forEach(c -> covered.add(c.message()));
    BreakingChangeTest.cases().forEach(c -> covered.add(c.rule()));
    covered.add(Message.BASELINE_UNREADABLE); // BreakingChangeTest.unreadableBaselineIsAnError
    assertThat(covered).containsExactlyInAnyOrder(Message.values());
  }

  @Test
  void everyTagIsUniqueAndEveryTextSaysWhatToDo() {
    Set<String> tags = new java.util.HashSet<>();
    for (Message m : Message.values()) {
      assertThat(tags.add(m.tag())).as(m.tag()).isTrue();
    }
  }

  @Test
  void defaultAndStaticMethodsAreNotRpcs() {
    Compilation compilation =
        TestCompiler.compile(
            service(
                "  void m();",
                "  default Set<String> helper() { return Set.of(); }",
                "  static Set<String> util() { return Set.of(); }"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  /**
   * Policies that agree: the interface's, a method's overriding it, @Idempotent on every call kind
   * (a client or bidi stream is retried as a unary call, from its buffered requests).
   */
  @Test
  void consistentPoliciesCompileWithoutWarnings() {
    Compilation compilation =
        TestCompiler.compile(
            type(
                "Svc",
                "@RpcService",
                "@jakarta.annotation.security.DenyAll",
                "public interface Svc {",
                "  @jakarta.annotation.security.PermitAll @Idempotent void open();",
                "  @jakarta.annotation.security.RolesAllowed({\"b\", \"a\", \"b\"})",
                "  @Idempotent(sideEffects = false)",
                "  Flow.Publisher<String> read(Flow.Publisher<String> in);",
                "  @Idempotent CompletableFuture<String> put(Flow.Publisher<String> in);",
                "  void closed();",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    String rpc = source(compilation, "t.SvcRpc");
    assertThat(rpc).contains(".withAccessPolicy(AccessPolicy.PERMIT_ALL)");
    assertThat(rpc).contains(".withAccessPolicy(AccessPolicy.rolesAllowed(\"a\", \"b\"))");
    assertThat(rpc).contains(".withIdempotency(Idempotency.NO_SIDE_EFFECTS)");
    assertThat(rpc.split("withAccessPolicy\\(AccessPolicy.DENY_ALL\\)", -1)).hasSize(3);
  }

  private static String source(Compilation compilation, String name) {
    try {
      return compilation.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void serviceWaitsForGeneratedTypes() {
    // the record refers to a type generated by another processor in a later round
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(new RpcProcessor(), new LateTypeProcessor())
            .compile(
                service("  Late m(Holder h);"),
                type("Holder", "public record Holder(Late late) {}"),
                type("Trigger", "@Deprecated public class Trigger {}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("t.SvcRpc");
    assertThat(compilation).generatedSourceFile("t.SvcRpcCodecs");
  }
}
