package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.typedrpc.processor.DiagnosticsTest.Case;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proto names: acronyms, nesting, enum value prefixes, file options, comments, and every name
 * collision protoc would reject, reported on the Java element.
 */
@Timeout(120)
class ProtoNamesTest {
  private static JavaFileObject source(String name, String... body) {
    List<String> lines = new ArrayList<>();
    lines.add("package " + name.substring(0, name.lastIndexOf('.')) + ";");
    lines.add("import dev.typedrpc.annotations.*;");
    lines.add("import java.util.*;");
    lines.addAll(List.of(body));
    return JavaFileObjects.forSourceLines(name, lines);
  }

  private static JavaFileObject service(String... body) {
    List<String> lines = new ArrayList<>();
    lines.add("@RpcService(name = \"t.Svc\") public interface Svc {");
    lines.addAll(List.of(body));
    lines.add("}");
    return source("t.Svc", lines.toArray(new String[0]));
  }

  private static Case error(Message m, String fragment, String line, JavaFileObject... sources) {
    return new Case(m, fragment, line, List.of(), sources);
  }

  static Stream<Case> cases() {
    return Stream.of(
        error(
            Message.PROTO_FIELD_NAME_CLASH,
            "item_id and itemId of Item are both named item_id",
            "String item_id",
            source("t.Item", "public record Item(", "    String itemId,", "    String item_id) {}"),
            service("  void put(Item item);")),
        error(
            Message.PROTO_FIELD_NAME_CLASH,
            "Item_Id and ItemId of Event are both named item_id",
            "record Item_Id",
            source(
                "t.Event",
                "public sealed interface Event permits Event.ItemId, Event.Item_Id {",
                "  record ItemId(int x) implements Event {}",
                "  record Item_Id(int x) implements Event {}",
                "}"),
            service("  void put(Event e);")),
        error(
            Message.PROTO_RESERVED_FIELD_NAME,
            "Color.RED is named COLOR_RED in the .proto, which Color reserves (as Red)",
            "RED",
            source(
                "t.Color",
                "@Reserved(numbers = 7, names = \"Red\")",
                "public enum Color {",
                "  NONE,",
                "  RED",
                "}"),
            service("  void put(Color c);")),
        error(
            Message.PROTO_JSON_NAME_CLASH,
            "a_1 (a_1) and a1 (a1) of Item both have the JSON name a1",
            "String a_1",
            source("t.Item", "public record Item(", "    String a1,", "    String a_1) {}"),
            service("  void put(Item item);")),
        error(
            Message.PROTO_RESERVED_FIELD_NAME,
            "itemId is named item_id in the .proto, which Item reserves (as itemID)",
            "String itemId",
            source(
                "t.Item",
                "@Reserved(numbers = 2, names = \"itemID\")",
                "public record Item(",
                "    String itemId) {}"),
            service("  void put(Item item);")),
        error(
            Message.PROTO_ENUM_VALUE_CLASH,
            "unique in the package, but ColorDark.RED and Color.DARK_RED are both named"
                + " COLOR_DARK_RED",
            "RED",
            source("t.ColorDark", "public enum ColorDark {", "  NONE,", "  RED", "}"),
            source("t.Color", "public enum Color { NONE, DARK_RED }"),
            service("  void put(Color a, ColorDark b);")),
        error(
            Message.PROTO_SERVICE_NAME_CLASH,
            "t.Api.Svc is named Svc, like the service",
            "record Svc",
            source(
                "t.Api",
                "@RpcService(name = \"t.Svc\") public interface Api {",
                "  record Svc(int x) {}",
                "  void put(Svc s);",
                "}")),
        error(
            Message.PROTO_NESTED_NAME_CLASH,
            "b.Outer.Inner would be nested in Outer, which is a.Outer in this service",
            "record Inner",
            source(
                "b.Outer", "public record Outer(int x) {", "  public record Inner(int y) {}", "}"),
            source("a.Outer", "public record Outer(int x) {}"),
            service("  void put(a.Outer o, b.Outer.Inner i);")),
        new Case(
            Message.PROTO_OPTION_INVALID,
            "it names {nope}, but the placeholders are",
            "public interface Svc",
            List.of("-Atypedrpc.proto.go_package=example.com/{nope}"),
            service("  void ping();")));
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

  private static String proto(Compilation c, String service) throws IOException {
    assertThat(c).succeededWithoutWarnings();
    return c.generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/typedrpc/" + service + ".proto")
        .orElseThrow()
        .getCharContent(false)
        .toString();
  }

  @Test
  void namesAsAPersonWould() throws IOException {
    String proto =
        proto(
            TestCompiler.compile(
                source(
                    "t.Page",
                    "public record Page(String URL, String httpServer, String HTTPServer2,"
                        + " String item_id, Status status, OrderStatus order) {",
                    "  public enum Status { STATUS_UNSPECIFIED, LIVE, StillDraft }",
                    "}"),
                source(
                    "t.OrderStatus",
                    "public enum OrderStatus { UNSPECIFIED, ORDER_STATUS_OPEN, STATUS_CLOSED }"),
                service("  Page get(Page page);")),
            "t.Svc");
    assertThat(proto)
        .contains(
            "message Page {\n"
                + "  string url = 1;\n"
                + "  string http_server = 2;\n"
                + "  string http_server2 = 3;\n"
                + "  string item_id = 4;\n"
                + "  Status status = 5;\n"
                + "  OrderStatus order = 6;\n"
                + "\n"
                + "  enum Status {\n"
                + "    STATUS_UNSPECIFIED = 0;\n"
                + "    STATUS_LIVE = 1;\n"
                + "    STATUS_STILL_DRAFT = 2;\n"
                + "  }\n"
                + "}\n")
        .contains(
            "enum OrderStatus {\n"
                + "  ORDER_STATUS_UNSPECIFIED = 0;\n"
                + "  ORDER_STATUS_OPEN = 1;\n"
                + "  ORDER_STATUS_CLOSED = 2;\n"
                + "}\n")
        .contains("rpc Get(Page) returns (Page);");
  }

  /**
   * Descriptor constants split a method name into the words its proto field name would have:
   * acronyms stay whole ({@code getURL} → {@code GET_URL}, not {@code GET_U_R_L}).
   */
  @Test
  void constantsKeepAcronymsWhole() throws IOException {
    Compilation c =
        TestCompiler.compile(
            service(
                "  String getURL(String id);",
                "  String HTTPServer(String id);",
                "  String parseHTMLPage(String html);",
                "  String postMessage(String text);",
                "  String get2FACode(String user);"));
    assertThat(c).succeededWithoutWarnings();
    String rpc = c.generatedSourceFile("t.SvcRpc").orElseThrow().getCharContent(false).toString();
    assertThat(rpc)
        .contains(" GET_URL =")
        .contains(" HTTP_SERVER =")
        .contains(" PARSE_HTML_PAGE =")
        .contains(" POST_MESSAGE =")
        .contains(" GET2_FA_CODE =")
        .doesNotContain("U_R_L");
  }

  @Test
  void referencesAreQualifiedWhereAShorterNameIsShadowed() throws IOException {
    String proto =
        proto(
            TestCompiler.compile(
                source("t.Item", "public record Item(int x) {}"),
                source(
                    "t.Order",
                    "public record Order(t.Item top, Order.Item line) {",
                    "  public record Item(int y) {}",
                    "}"),
                service("  Item item(Item item);", "  void order(Order order);")),
            "t.Svc");
    assertThat(proto)
        .contains("rpc Item(.t.Item) returns (.t.Item);")
        .contains("  .t.Item top = 1;\n  Item line = 2;\n");
  }

  @Test
  void optionsAndCommentsAreWritten() throws IOException {
    String proto =
        proto(
            TestCompiler.compile(
                List.of(
                    source(
                        "t.Note",
                        "/**",
                        " * A note, with {@code code} and a {@link java.util.List list}.",
                        " *",
                        " * @param text what it says",
                        " */",
                        "public record Note(String text) {}"),
                    source(
                        "t.Svc",
                        "/** Keeps notes. */",
                        "@RpcService(name = \"acme.notes.Svc\") public interface Svc {",
                        "  /**",
                        "   * Adds a note.",
                        "   *",
                        "   * @param note the note",
                        "   * @param pinned whether it stays on top",
                        "   */",
                        "  void add(Note note, boolean pinned);",
                        "}")),
                "-Atypedrpc.proto.go_package=example.com/gen/{package_path};{package_last}pb",
                "-Atypedrpc.proto.java_package=com.example.{package}.proto"),
            "acme.notes.Svc");
    assertThat(proto)
        .contains(
            "option go_package = \"example.com/gen/acme/notes;notespb\";\n"
                + "option java_package = \"com.example.acme.notes.proto\";\n")
        .contains("// Keeps notes.\nservice Svc {\n  // Adds a note.\n  rpc Add(")
        .contains("message AddRequest {\n  // the note\n  Note note = 1;\n")
        .contains("  // whether it stays on top\n  bool pinned = 2;\n")
        .contains("// A note, with code and a list.\nmessage Note {\n  // what it says\n");
  }
}
