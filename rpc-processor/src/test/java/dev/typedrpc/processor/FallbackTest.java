package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.typedrpc.spi.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a peer decodes when a newer peer sends an enum number or a sealed subtype it does not know:
 * the {@code @Unrecognized} fallback if declared (the example's {@code Color.UNRECOGNIZED} and
 * {@code Shape.Unknown}), else the constant numbered 0 or a clear decode error.
 */
@Timeout(120)
class FallbackTest {
  private static ClassLoader loader;

  @BeforeAll
  static void compile() {
    List<JavaFileObject> sources = new ArrayList<>(TestCompiler.examples(TestCompiler.EXAMPLE));
    sources.add(
        JavaFileObjects.forSourceLines(
            "plain.Plain",
            "package plain;",
            "public sealed interface Plain permits Plain.A, Plain.B {",
            "  record A(int x) implements Plain {}",
            "  record B(String s) implements Plain {}",
            "}"));
    sources.add(
        JavaFileObjects.forSourceLines(
            "plain.Holder", "package plain;", "public record Holder(Plain plain) {}"));
    sources.add(
        JavaFileObjects.forSourceLines(
            "plain.PlainService",
            "package plain;",
            "@dev.typedrpc.annotations.RpcService",
            "public interface PlainService {",
            "  Holder echo(Holder h);",
            "}"));
    Compilation compilation = TestCompiler.compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    loader = TestCompiler.classLoader(compilation);
  }

  private static MessageCodec<Object> codec(String name) throws ReflectiveOperationException {
    return TestCompiler.codec(loader, name);
  }

  private static Object get(Object record, String component) throws ReflectiveOperationException {
    return record.getClass().getMethod(component).invoke(record);
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void unknownEnumNumberDecodesToUnrecognizedConstant() throws Exception {
    // Post.color = 11: number 99 is unknown to this version
    Object post =
        codec("example.ChatServiceRpcCodecs$PostCodec")
            .parseFrom(bytes(out -> out.writeEnum(11, 99)));
    assertThat(((Enum<?>) get(post, "color")).name()).isEqualTo("UNRECOGNIZED");
    // an absent enum is still the constant numbered 0, and known numbers are kept
    Object empty = codec("example.ChatServiceRpcCodecs$PostCodec").parseFrom(new byte[0]);
    assertThat(((Enum<?>) get(empty, "color")).name()).isEqualTo("RED");
    Object yellow =
        codec("example.ChatServiceRpcCodecs$PostCodec")
            .parseFrom(bytes(out -> out.writeEnum(11, 6)));
    assertThat(((Enum<?>) get(yellow, "color")).name()).isEqualTo("YELLOW");
  }

  @Test
  void unrecognizedConstantCannotBeEncoded() throws Exception {
    Class<?> color = loader.loadClass("example.ChatServiceRpcCodecs$ColorCodec");
    Object unrecognized = loader.loadClass("example.Color").getField("UNRECOGNIZED").get(null);
    assertThatThrownBy(
            () -> {
              try {
                java.lang.reflect.Method toNumber =
                    color.getDeclaredMethod("toNumber", unrecognized.getClass());
                toNumber.setAccessible(true);
                toNumber.invoke(null, unrecognized);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@Unrecognized constant of enum Color");
  }

  @Test
  void unknownEnumNumberWithoutFallbackDecodesToZero() throws Exception {
    Object author =
        codec("example.ChatServiceRpcCodecs$AuthorCodec").parseFrom(new byte[] {0x10, 0x63});
    assertThat(((Enum<?>) get(author, "kind")).name()).isEqualTo("USER");
  }

  @Test
  void unknownSealedSubtypeDecodesToUnrecognizedRecordAndPassesThrough() throws Exception {
    // Shape case 7 (a Triangle of a newer version) holding {1: 2.0}
    byte[] triangle = bytes(out -> out.writeDouble(1, 2.0));
    byte[] wire = bytes(out -> out.writeByteArray(7, triangle));
    MessageCodec<Object> codec = codec("example.ChatServiceRpcCodecs$ShapeCodec");
    Object shape = codec.parseFrom(wire);
    assertThat(shape.getClass().getName()).isEqualTo("example.Shape$Unknown");
    assertThat(get(shape, "fieldNumber")).isEqualTo(7);
    assertThat((byte[]) get(shape, "bytes")).isEqualTo(triangle);
    assertThat(codec.toByteArray(shape)).isEqualTo(wire);
    assertThat(codec.encodedSize(shape)).isEqualTo(wire.length);
  }

  @Test
  void unknownSealedSubtypeWithoutFallbackFailsNamingTheCase() throws Exception {
    byte[] wire = bytes(out -> out.writeByteArray(9, new byte[0]));
    assertThatThrownBy(() -> codec("plain.PlainServiceRpcCodecs$PlainCodec").parseFrom(wire))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("Message Plain has oneof case 9, unknown to this version")
        .hasMessageContaining("@Unrecognized");
  }

  @Test
  void absentNonOptionalSealedFieldFailsTheDecode() throws Exception {
    // Holder.plain absent: there is no value to give a non-optional sealed field
    assertThatThrownBy(
            () -> codec("plain.PlainServiceRpcCodecs$HolderCodec").parseFrom(new byte[0]))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("Message Plain has no case of its oneof set")
        .hasMessageContaining("Optional or @Nullable");
    // known cases still round-trip
    Object a = loader.loadClass("plain.Plain$A").getDeclaredConstructors()[0].newInstance(5);
    MessageCodec<Object> plain = codec("plain.PlainServiceRpcCodecs$PlainCodec");
    assertThat(plain.parseFrom(plain.toByteArray(a))).isEqualTo(a);
  }
}
