package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.testing.compile.Compilation;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.spi.InvalidJsonException;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated proto3 JSON codecs on their own: what they write, what they accept, and the clear
 * {@link InvalidJsonException} on malformed input ({@code JsonFormatConformanceTest} compares them
 * with protobuf's {@code JsonFormat}).
 */
@Timeout(120)
class JsonCodecTest {
  private static ClassLoader loader;
  private static JsonCodec<Object> post;
  private static MessageCodec<Object> postBinary;

  @BeforeAll
  static void compile() throws Exception {
    List<String> names = new ArrayList<>(TestCompiler.EXAMPLE);
    names.add("Fixtures");
    Compilation compilation = TestCompiler.compile(TestCompiler.examples(names));
    assertThat(compilation).succeeded();
    loader = TestCompiler.classLoader(compilation);
    postBinary = TestCompiler.codec(loader, "example.ChatServiceRpcCodecs$PostCodec");
    post = postBinary.json();
  }

  private static Object fixture(String method, Object... args) throws Exception {
    for (var m : loader.loadClass("example.Fixtures").getMethods()) {
      if (m.getName().equals(method)) {
        return m.invoke(null, args);
      }
    }
    throw new NoSuchMethodException(method);
  }

  private static Object get(Object record, String component) throws Exception {
    return record.getClass().getMethod(component).invoke(record);
  }

  private static Object read(String json) throws Exception {
    return post.fromJson(json);
  }

  @Test
  void theJsonCodecIsFoundThroughTheMethodDescriptor() throws Exception {
    MethodDescriptor<?, ?> get =
        (MethodDescriptor<?, ?>)
            loader.loadClass("example.ChatServiceRpc").getField("GET").get(null);
    assertThat(get.responseCodec().json()).isSameAs(post);
    @SuppressWarnings("unchecked")
    JsonCodec<Object> id = (JsonCodec<Object>) get.requestCodec().json();
    Object postId = id.fromJson("{\"id\":\"42\"}");
    assertThat(id.toJson(postId)).isEqualTo("{\"id\":\"42\"}");
  }

  @Test
  void defaultsAreOmittedAndMessageFieldsWritten() throws Exception {
    Object empty = fixture("withReply", Optional.empty());
    assertThat(post.toJson(empty))
        .isEqualTo("{\"at\":\"1970-01-01T00:00:00Z\",\"ttl\":\"0s\",\"author\":{}}");
    assertThat(postBinary.toByteArray(read("{}"))).isEqualTo(postBinary.toByteArray(empty));
  }

  @Test
  void fullValueRoundTrips() throws Exception {
    Object full = fixture("full");
    String json = post.toJson(full);
    assertThat(json)
        .contains("\"big\":\"-9223372036854775808\"")
        .contains("\"data\":\"AAH/\"")
        .contains("\"color\":\"COLOR_BLUE\"")
        .contains("\"at\":\"0001-01-01T00:00:00.000000001Z\"")
        .contains("\"ttl\":\"-2.999999995s\"")
        .contains("\"authors\":{\"1\":{\"name\":\"ana\"},\"-2\":{\"kind\":\"KIND_BOT\"}}")
        .contains("\"shape\":{\"square\":{\"side\":2.5}}");
    assertThat(postBinary.toByteArray(read(json))).isEqualTo(postBinary.toByteArray(full));
  }

  @Test
  void readsWhatProto3JsonParsersAccept() throws Exception {
    Object p =
        read(
            "{\"big\":5,\"count\":\"7\",\"score\":\"NaN\",\"ratio\":\"-Infinity\","
                + "\"maybe_count\":1e2,\"data\":\"_-8\",\"color\":5,\"colors\":[\"NOPE\",1],"
                + "\"reply_to\":null,\"text\":null,\"unknown\":{\"a\":[1,{\"b\":null}]},"
                + "\"at\":\"2024-02-29T23:59:59.5+01:00\",\"ttl\":\"1.5s\","
                + "\"authors\":{\"-3\":{\"name\":\"x\",\"extra\":1}}}");
    assertThat(get(p, "big")).isEqualTo(5L);
    assertThat(get(p, "count")).isEqualTo(7);
    assertThat((double) get(p, "score")).isNaN();
    assertThat(get(p, "ratio")).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(get(p, "maybeCount")).isEqualTo(100);
    assertThat((byte[]) get(p, "data")).containsExactly(-1, -17);
    assertThat(get(p, "color").toString()).isEqualTo("BLUE");
    // an unknown name is skipped, a number is read
    assertThat(get(p, "colors").toString()).isEqualTo("[GREEN]");
    assertThat(get(p, "replyTo")).isEqualTo(Optional.empty());
    assertThat(get(p, "text")).isEqualTo("");
    assertThat(get(p, "at")).isEqualTo(Instant.parse("2024-02-29T22:59:59.5Z"));
    assertThat(get(p, "ttl")).isEqualTo(java.time.Duration.ofMillis(1500));
    assertThat(get(p, "authors").toString()).isEqualTo("{-3=Author[name=x, kind=USER]}");
    // an unknown enum name for a singular field leaves the default
    assertThat(get(read("{\"color\":\"NOPE\"}"), "color").toString()).isEqualTo("RED");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "null",
        "[]",
        "{\"text\":\"a\"",
        "{\"text\":\"a\",}",
        "{\"text\":\"a\"} {}",
        "{\"text\":5}",
        "{\"count\":\"abc\"}",
        "{\"count\":1.5}",
        "{\"count\":3000000000}",
        "{\"big\":\"9223372036854775808\"}",
        "{\"ratio\":1e39}",
        "{\"score\":\"1e999\"}",
        "{\"score\":\"0x1p3\"}",
        "{\"score\":\"1d\"}",
        "{\"ratio\":\"0x1p3\"}",
        "{\"flag\":1}",
        "{\"data\":\"!!!\"}",
        "{\"numbers\":{}}",
        "{\"numbers\":[null]}",
        "{\"numbers\":[\"x\"]}",
        "{\"counts\":[]}",
        "{\"counts\":{\"a\":null}}",
        "{\"authors\":{\"x\":{}}}",
        "{\"author\":[]}",
        "{\"author\":\"bob\"}",
        "{\"color\":true}",
        "{\"at\":\"yesterday\"}",
        "{\"at\":\"10000-01-01T00:00:00Z\"}",
        "{\"ttl\":\"5m\"}",
        "{\"ttl\":\"315576000001s\"}",
        "{\"text\":\"a\",\"text\":\"b\"}",
        "{\"replyTo\":{},\"reply_to\":{}}",
        "{\"maybe_count\":null,\"maybeCount\":1}",
        "{\"shape\":{\"circle\":{},\"square\":{}}}",
        "{\"shape\":{}}",
        "{\"shape\":{\"triangle\":{}}}"
      })
  void malformedJsonFailsWithAClearError(String json) {
    assertThatThrownBy(() -> read(json))
        .as(json)
        .isInstanceOf(InvalidJsonException.class)
        .hasMessageNotContaining("Exception");
  }

  @Test
  void errorsSayWhere() {
    assertThatThrownBy(() -> read("{\"replies\":[{},{\"count\":\"x\"}]}"))
        .isInstanceOf(InvalidJsonException.class)
        .hasMessage("at /replies/1/count: not an int32: \"x\"");
    assertThatThrownBy(() -> read("{\"shape\":{\"circle\":{},\"square\":{}}}"))
        .hasMessageContaining("a second case of oneof message Shape");
    assertThatThrownBy(() -> read("{\"text\":\"a\""))
        .hasMessageStartingWith("invalid JSON: Unexpected end-of-input");
  }

  @Test
  void nestingIsBounded() throws Exception {
    // the top-level message is at depth 0, as in the binary codecs: 0 to MAX_DEPTH are read
    int max = MessageCodec.MAX_DEPTH;
    String deep = "{\"replyTo\":".repeat(max + 1) + "{}" + "}".repeat(max + 1);
    assertThatThrownBy(() -> read(deep))
        .isInstanceOf(InvalidJsonException.class)
        .hasMessageContaining("nest more than 100");
    String ok = "{\"replyTo\":".repeat(max) + "{}" + "}".repeat(max);
    assertThat(read(ok)).isNotNull();
    // an unknown field's value is skipped, but not past the parser's nesting limit
    String arrays = "{\"unknown\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThatThrownBy(() -> read(arrays))
        .isInstanceOf(InvalidJsonException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void anUnrecognizedOneofCaseFailsOnWriteNamingItsNumber() throws Exception {
    MessageCodec<Object> shape =
        TestCompiler.codec(loader, "example.ChatServiceRpcCodecs$ShapeCodec");
    Object unknown =
        loader
            .loadClass("example.Shape$Unknown")
            .getConstructor(int.class, byte[].class)
            .newInstance(7, new byte[] {0x08, 0x01});
    assertThat(shape.toByteArray(unknown)).as("binary keeps it").hasSize(4);
    assertThatThrownBy(() -> shape.json().toJson(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write the @Unrecognized case of oneof message Shape as JSON: it holds case 7,"
                + " unknown to this version of the schema, and JSON names a case by its field name");
  }

  @Test
  void aCycleFailsOnWrite() throws Exception {
    Object cycle = fixture("chain", MessageCodec.MAX_DEPTH + 2);
    assertThatThrownBy(() -> post.toJson(cycle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nest more than 100");
  }
}
