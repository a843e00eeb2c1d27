package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.util.JsonFormat;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.spi.MessageCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated proto3 JSON codecs against protobuf-java-util's {@link JsonFormat} on the same
 * schema (the {@code FileDescriptorProto} embedded in the generated {@code DESCRIPTOR}): what one
 * prints, the other parses to the same message, for a message with every field kind and for a few
 * hundred random messages. Messages are compared as {@link DynamicMessage}s, after the binary codec
 * (itself checked against protoc's code in {@code ProtocTest}).
 */
@Timeout(120)
class JsonFormatConformanceTest {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
  private static final JsonFormat.Printer PROTO_NAMES = PRINTER.preservingProtoFieldNames();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private static ClassLoader loader;

  @BeforeAll
  static void compile() {
    List<String> names = new ArrayList<>(TestCompiler.EXAMPLE);
    names.add("Fixtures");
    List<JavaFileObject> sources = new ArrayList<>(TestCompiler.examples(names));
    sources.add(JavaFileObjects.forResource("sources/json/Kinds.java"));
    sources.add(JavaFileObjects.forResource("sources/json/Extra.java"));
    Compilation compilation = TestCompiler.compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    loader = TestCompiler.classLoader(compilation);
  }

  /** The schema of a generated service, from its embedded descriptor. */
  static FileDescriptor schema(ClassLoader loader, String rpcClass) throws Exception {
    ServiceDescriptor descriptor =
        (ServiceDescriptor) loader.loadClass(rpcClass).getField("DESCRIPTOR").get(null);
    FileDescriptorProto proto = FileDescriptorProto.parseFrom(descriptor.fileDescriptor());
    Map<String, FileDescriptor> known =
        Map.of(
            "google/protobuf/timestamp.proto", TimestampProto.getDescriptor(),
            "google/protobuf/duration.proto", DurationProto.getDescriptor(),
            "google/protobuf/empty.proto", EmptyProto.getDescriptor());
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String d : proto.getDependencyList()) {
      dependencies.add(known.get(d));
    }
    return FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
  }

  private static MessageCodec<Object> codec(String binaryName) throws Exception {
    return TestCompiler.codec(loader, binaryName);
  }

  /**
   * Checks both directions for {@code message}, first normalized through the binary codec (so it
   * holds what a Java value can: e.g. a message field a record never leaves absent).
   */
  private static void checkBothWays(MessageCodec<Object> codec, DynamicMessage message)
      throws Exception {
    Descriptor type = message.getDescriptorForType();
    Object value = codec.parseFrom(message.toByteArray());
    DynamicMessage expected = DynamicMessage.parseFrom(type, codec.toByteArray(value));

    String ours = codec.json().toJson(value);
    DynamicMessage.Builder parsed = DynamicMessage.newBuilder(type);
    PARSER.merge(ours, parsed);
    // JsonFormat's parser reads a double -0.0 as 0: compare without negative zeros
    DynamicMessage want = withoutNegativeZeros(expected);
    assertThat(parsed.build())
        .withFailMessage(
            "JsonFormat parsing %s%ngave%n%s%ninstead of%n%s", ours, parsed.build(), want)
        .isEqualTo(want);
    // and our own output reads back to the same
    Object again = codec.json().fromJson(ours);
    assertThat(DynamicMessage.parseFrom(type, codec.toByteArray(again)))
        .as("reading back %s", ours)
        .isEqualTo(expected);

    for (JsonFormat.Printer printer : List.of(PRINTER, PROTO_NAMES)) {
      String theirs = printer.print(expected);
      Object read = codec.json().fromJson(theirs);
      assertThat(DynamicMessage.parseFrom(type, codec.toByteArray(read)))
          .as("reading JsonFormat's %s", theirs)
          .isEqualTo(expected);
    }
  }

  /**
   * {@code message} with each double -0.0 a 0, as JsonFormat's parser reads it (floats keep their
   * sign).
   */
  static DynamicMessage withoutNegativeZeros(DynamicMessage message) {
    DynamicMessage.Builder b = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.isRepeated()) {
        b.clearField(f);
        for (Object element : (List<?>) e.getValue()) {
          b.addRepeatedField(f, withoutNegativeZero(f, element));
        }
      } else {
        Object value = withoutNegativeZero(f, e.getValue());
        if (!f.hasPresence() && value instanceof Double d && d == 0) {
          b.clearField(f);
        } else {
          b.setField(f, value);
        }
      }
    }
    return b.build();
  }

  private static Object withoutNegativeZero(FieldDescriptor f, Object value) {
    if (value instanceof DynamicMessage m) {
      return withoutNegativeZeros(m);
    }
    if (value instanceof Double d && d == 0) {
      return 0.0;
    }
    return value;
  }

  /**
   * A double given as a JSON string is accepted, and read as the same value, exactly when
   * JsonFormat accepts it: decimal numbers only, no hexadecimal, suffix or spaces.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.5",
        "-0",
        "1e3",
        "1E-3",
        "+1",
        ".5",
        "1.",
        "1e-400",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x1p3",
        "0X10",
        "1d",
        "1f",
        " 1",
        "1 ",
        "1e999",
        "-1e999",
        "1_0",
        "",
        "e3",
        "--1",
        "0x"
      })
  void doublesAreReadAsJsonFormatReadsThem(String text) throws Exception {
    MessageCodec<Object> codec = codec("example.ChatServiceRpcCodecs$PostCodec");
    Descriptor type = schema(loader, "example.ChatServiceRpc").findMessageTypeByName("Post");
    String json = "{\"score\":\"" + text + "\"}";
    DynamicMessage theirs;
    try {
      DynamicMessage.Builder parsed = DynamicMessage.newBuilder(type);
      PARSER.merge(json, parsed);
      theirs = parsed.build();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      theirs = null;
    }
    Object ours;
    try {
      ours = codec.json().fromJson(json);
    } catch (dev.typedrpc.spi.InvalidJsonException e) {
      ours = null;
    }
    assertThat(ours != null).as("we accept %s as JsonFormat does", json).isEqualTo(theirs != null);
    if (ours != null) {
      double score = (double) ours.getClass().getMethod("score").invoke(ours);
      double expected = (double) theirs.getField(type.findFieldByName("score"));
      // JsonFormat reads a double -0 as 0
      assertThat(Double.valueOf(score == 0 ? 0.0 : score))
          .as("the value of %s", json)
          .isEqualTo(Double.valueOf(expected));
    }
  }

  @Test
  void messageWithEveryFieldKindBothWays() throws Exception {
    MessageCodec<Object> codec = codec("example.ChatServiceRpcCodecs$PostCodec");
    Object post = loader.loadClass("example.Fixtures").getMethod("full").invoke(null);
    Descriptor type = schema(loader, "example.ChatServiceRpc").findMessageTypeByName("Post");
    checkBothWays(codec, DynamicMessage.parseFrom(type, codec.toByteArray(post)));
  }

  @Test
  void jsonNamesAreLowerCamelCaseAndTheSameAsProtocs() throws Exception {
    MessageCodec<Object> codec = codec("example.ChatServiceRpcCodecs$PostCodec");
    Object post = loader.loadClass("example.Fixtures").getMethod("full").invoke(null);
    Descriptor type = schema(loader, "example.ChatServiceRpc").findMessageTypeByName("Post");
    String json = codec.json().toJson(post);
    assertThat(json).contains("\"maybeCount\":0", "\"replyTo\":{").doesNotContain("reply_to");
    for (FieldDescriptor f : type.getFields()) {
      if (!f.getName().equals(f.getJsonName())) {
        assertThat(json).contains("\"" + f.getJsonName() + "\"");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.ChatService:Post",
        "example.ChatService:Event",
        "example.ChatService:Summary",
        "json.Kinds:Extra",
        "json.Kinds:CountRequest",
        "json.Kinds:CountResponse"
      })
  void randomMessagesBothWays(String spec) throws Exception {
    String service = spec.substring(0, spec.indexOf(':'));
    String message = spec.substring(spec.indexOf(':') + 1);
    Descriptor type = schema(loader, service + "Rpc").findMessageTypeByName(message);
    MessageCodec<Object> codec = codec(service + "RpcCodecs$" + message + "Codec");
    RandomMessages random = new RandomMessages(new Random(spec.hashCode()));
    for (int i = 0; i < 300; i++) {
      checkBothWays(codec, random.message(type, 0));
    }
  }

  /** Random messages of a schema: every field kind, special floats, wide ranges. */
  static final class RandomMessages {
    private static final int MAX_DEPTH = 3;
    private final Random random;

    RandomMessages(Random random) {
      this.random = random;
    }

    DynamicMessage message(Descriptor type, int depth) {
      DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
      for (OneofDescriptor oneof : type.getRealOneofs()) {
        // a sealed interface always has a case
        FieldDescriptor f = oneof.getField(random.nextInt(oneof.getFieldCount()));
        b.setField(f, value(f, depth));
      }
      for (FieldDescriptor f : type.getFields()) {
        if (f.getRealContainingOneof() != null || (random.nextInt(4) == 0 && !isOneof(f))) {
          continue;
        }
        boolean deep = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH;
        if (f.isMapField()) {
          Descriptor entry = f.getMessageType();
          FieldDescriptor key = entry.findFieldByNumber(1);
          FieldDescriptor value = entry.findFieldByNumber(2);
          Set<Object> keys = new HashSet<>();
          for (int i = random.nextInt(4); i > 0; i--) {
            Object k = value(key, depth);
            if (keys.add(k) && !(deep && value.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
              b.addRepeatedField(
                  f,
                  DynamicMessage.newBuilder(entry)
                      .setField(key, k)
                      .setField(value, value(value, depth))
                      .build());
            }
          }
        } else if (f.isRepeated()) {
          for (int i = random.nextInt(4); i > 0 && !deep; i--) {
            b.addRepeatedField(f, value(f, depth));
          }
        } else if (!deep || isWellKnown(f) || isOneof(f)) {
          b.setField(f, value(f, depth));
        }
      }
      return b.build();
    }

    /** A singular field of a sealed interface type, which a record cannot leave without a case. */
    private static boolean isOneof(FieldDescriptor f) {
      return !f.isRepeated()
          && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !f.getMessageType().getRealOneofs().isEmpty();
    }

    private static boolean isWellKnown(FieldDescriptor f) {
      return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && f.getMessageType().getFullName().startsWith("google.protobuf.");
    }

    private Object value(FieldDescriptor f, int depth) {
      switch (f.getJavaType()) {
        case INT:
          return random.nextBoolean() ? random.nextInt(200) - 100 : random.nextInt();
        case LONG:
          return random.nextBoolean() ? (long) random.nextInt(200) - 100 : random.nextLong();
        case FLOAT:
          return floatValue();
        case DOUBLE:
          return doubleValue();
        case BOOLEAN:
          return random.nextBoolean();
        case STRING:
          return string();
        case BYTE_STRING:
          byte[] bytes = new byte[random.nextInt(12)];
          random.nextBytes(bytes);
          return ByteString.copyFrom(bytes);
        case ENUM:
          List<EnumValueDescriptor> values = f.getEnumType().getValues();
          return values.get(random.nextInt(values.size()));
        case MESSAGE:
          return messageValue(f.getMessageType(), depth);
      }
      throw new AssertionError(f);
    }

    private Object messageValue(Descriptor type, int depth) {
      switch (type.getFullName()) {
        case "google.protobuf.Timestamp":
          return DynamicMessage.newBuilder(type)
              .setField(
                  type.findFieldByName("seconds"),
                  -62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L))
              .setField(type.findFieldByName("nanos"), nanos())
              .build();
        case "google.protobuf.Duration":
          long seconds = (long) (random.nextDouble() * 315_576_000_000L);
          int nanos = nanos();
          boolean negative = random.nextBoolean();
          return DynamicMessage.newBuilder(type)
              .setField(type.findFieldByName("seconds"), negative ? -seconds : seconds)
              .setField(type.findFieldByName("nanos"), negative ? -nanos : nanos)
              .build();
        default:
          return message(type, depth + 1);
      }
    }

    private int nanos() {
      return switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
    }

    private float floatValue() {
      return switch (random.nextInt(8)) {
        case 0 -> Float.NaN;
        case 1 -> random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        case 2 -> -0.0f;
        case 3 -> random.nextBoolean() ? Float.MAX_VALUE : Float.MIN_VALUE;
        case 4 -> random.nextInt(1000) / 8f;
        default -> Float.intBitsToFloat(random.nextInt());
      };
    }

    private double doubleValue() {
      return switch (random.nextInt(8)) {
        case 0 -> Double.NaN;
        case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        case 2 -> -0.0;
        case 3 -> random.nextBoolean() ? Double.MAX_VALUE : Double.MIN_VALUE;
        case 4 -> random.nextInt(1000) / 8.0;
        default -> Double.longBitsToDouble(random.nextLong());
      };
    }

    private String string() {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(8); i > 0; i--) {
        int cp =
            switch (random.nextInt(4)) {
              case 0 -> random.nextInt(0x20); // control characters
              case 1 -> 0x20 + random.nextInt(0x60);
              case 2 -> 0xA0 + random.nextInt(0xD800 - 0xA0);
              default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
            };
        s.appendCodePoint(cp);
      }
      return s.toString();
    }
  }
}
