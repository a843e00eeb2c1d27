package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.testing.compile.Compilation;
import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.internal.ServiceDefinitions;
import dev.typedrpc.spi.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Compiles the representative service, then runs its generated codecs and descriptors. */
@Timeout(120)
class RoundTripTest {
  private static ClassLoader loader;

  @BeforeAll
  static void compile() {
    List<String> names = new ArrayList<>(TestCompiler.EXAMPLE);
    names.add("Fixtures");
    Compilation compilation = TestCompiler.compile(TestCompiler.examples(names));
    assertThat(compilation).succeeded();
    loader = TestCompiler.classLoader(compilation);
  }

  private static MessageCodec<Object> codec(String name) throws ReflectiveOperationException {
    return TestCompiler.codec(loader, "example.ChatServiceRpcCodecs$" + name);
  }

  private static Object fixture(String method, Object... args) throws ReflectiveOperationException {
    for (Method m : loader.loadClass("example.Fixtures").getMethods()) {
      if (m.getName().equals(method)) {
        return m.invoke(null, args);
      }
    }
    throw new NoSuchMethodException(method);
  }

  private static Object get(Object record, String component) throws ReflectiveOperationException {
    return record.getClass().getMethod(component).invoke(record);
  }

  private static Object newRecord(String name, Object... args) throws ReflectiveOperationException {
    return loader.loadClass("example." + name).getDeclaredConstructors()[0].newInstance(args);
  }

  private static Object enumConstant(String type, String name) throws ClassNotFoundException {
    for (Object c : loader.loadClass("example." + type).getEnumConstants()) {
      if (((Enum<?>) c).name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  @Test
  void everyMappedTypeRoundTrips() throws Exception {
    MessageCodec<Object> codec = codec("PostCodec");
    Object post = fixture("full");
    byte[] bytes = codec.toByteArray(post);
    Object decoded = codec.parseFrom(bytes);
    assertThat(codec.toByteArray(decoded)).isEqualTo(bytes);
    assertThat(codec.encodedSize(decoded)).isEqualTo(bytes.length);
    for (String c :
        List.of(
            "text",
            "count",
            "big",
            "ratio",
            "flag",
            "maybeCount",
            "nick",
            "subject",
            "color",
            "numbers",
            "tags",
            "colors",
            "counts",
            "authors",
            "at",
            "ttl",
            "author",
            "shape",
            "weights",
            "bits",
            "extra")) {
      assertThat(get(decoded, c)).as(c).isEqualTo(get(post, c));
    }
    assertThat(Double.doubleToRawLongBits((Double) get(decoded, "score")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat((byte[]) get(decoded, "data")).containsExactly(0, 1, -1);
    assertThat(get(decoded, "maybeCount")).isEqualTo(0); // present although default
    // Post holds byte[] (identity equality): nested posts are compared through their encoding
    assertThat(codec.toByteArray(((Optional<?>) get(decoded, "replyTo")).orElseThrow()))
        .isEqualTo(codec.toByteArray(((Optional<?>) get(post, "replyTo")).orElseThrow()));
    assertThat((List<?>) get(decoded, "replies")).hasSize(2);
    assertThat(get(decoded, "at")).isEqualTo(Instant.ofEpochSecond(-62135596800L, 1));
    assertThat(get(decoded, "ttl")).isEqualTo(Duration.ofSeconds(-3, 5));
  }

  @Test
  void absentFieldsDecodeToDefaults() throws Exception {
    Object post = codec("PostCodec").parseFrom(new byte[0]);
    assertThat(get(post, "text")).isEqualTo("");
    assertThat(get(post, "count")).isEqualTo(0);
    assertThat(get(post, "big")).isEqualTo(0L);
    assertThat(get(post, "flag")).isEqualTo(false);
    assertThat((byte[]) get(post, "data")).isEmpty();
    assertThat(get(post, "maybeCount")).isNull();
    assertThat(get(post, "nick")).isNull();
    assertThat(get(post, "subject")).isEqualTo(Optional.empty());
    assertThat(get(post, "color")).isEqualTo(enumConstant("Color", "RED"));
    assertThat(get(post, "numbers")).isEqualTo(List.of());
    assertThat(get(post, "counts")).isEqualTo(Map.of());
    assertThat(get(post, "at")).isEqualTo(Instant.EPOCH);
    assertThat(get(post, "ttl")).isEqualTo(Duration.ZERO);
    assertThat(get(post, "author"))
        .isEqualTo(newRecord("Author", "", enumConstant("Author$Kind", "USER")));
    assertThat(get(post, "replyTo")).isEqualTo(Optional.empty());
    assertThat(get(post, "shape")).isNull();
    // the default instance encodes to nothing but its always-present message fields
    assertThat(codec("PostCodec").toByteArray(fixture("withReply", Optional.empty())))
        .isEqualTo(
            new byte[] {(byte) 0x8a, 0x01, 0x00, (byte) 0x92, 0x01, 0x00, (byte) 0x9a, 0x01, 0x00});
  }

  @Test
  void decodedCollectionsAreImmutable() throws Exception {
    MessageCodec<Object> codec = codec("PostCodec");
    Object decoded = codec.parseFrom(codec.toByteArray(fixture("full")));
    @SuppressWarnings("unchecked")
    List<Object> tags = (List<Object>) get(decoded, "tags");
    assertThatThrownBy(() -> tags.add("x")).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<Object, Object> counts = (Map<Object, Object>) get(decoded, "counts");
    assertThatThrownBy(() -> counts.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void knownMessageMatchesProtobufBytes() throws Exception {
    // PostId{id: 150}: the example from the protobuf encoding guide
    assertThat(codec("PostIdCodec").toByteArray(newRecord("PostId", 150L)))
        .isEqualTo(new byte[] {0x08, (byte) 0x96, 0x01});
    // Author{name: "ab", kind: AUTHOR_KIND_BOT}
    Object author = newRecord("Author", "ab", enumConstant("Author$Kind", "BOT"));
    assertThat(codec("AuthorCodec").toByteArray(author))
        .isEqualTo(new byte[] {0x0a, 0x02, 'a', 'b', 0x10, 0x01});
    // Summary{posts: 3, per_room: {"r": 2}}: map entry = nested message {1: key, 2: value}
    Object summary = newRecord("Summary", 3, Map.of("r", 2L));
    assertThat(codec("SummaryCodec").toByteArray(summary))
        .isEqualTo(new byte[] {0x08, 0x03, 0x12, 0x05, 0x0a, 0x01, 'r', 0x10, 0x02});
    // Shape{square: {side: 1.0}} — oneof case number 5
    Object square = newRecord("Shape$Square", 1.0);
    assertThat(codec("ShapeCodec").toByteArray(square))
        .isEqualTo(new byte[] {0x2a, 0x09, 0x09, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f});
  }

  @Test
  void unknownFieldsAreSkipped() throws Exception {
    MessageCodec<Object> codec = codec("AuthorCodec");
    Object author = newRecord("Author", "ab", enumConstant("Author$Kind", "BOT"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(99, 12345);
    out.writeString(98, "unknown");
    out.writeFixed32(97, 7);
    out.writeFixed64(96, 8);
    out.writeByteArray(1, "ab".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.writeEnum(2, 1);
    out.writeString(95, "more");
    out.flush();
    assertThat(codec.parseFrom(bytes.toByteArray())).isEqualTo(author);
  }

  @Test
  void unknownEnumNumberDecodesToZeroConstant() throws Exception {
    Object author = codec("AuthorCodec").parseFrom(new byte[] {0x10, 0x63});
    assertThat(get(author, "kind")).isEqualTo(enumConstant("Author$Kind", "USER"));
  }

  @Test
  void repeatedScalarsAcceptPackedAndUnpacked() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt32(12, 1); // unpacked
    out.writeTag(12, 2); // packed: 2, 3
    out.writeUInt32NoTag(2);
    out.writeInt32NoTag(2);
    out.writeInt32NoTag(3);
    out.writeInt32(12, 4); // unpacked again
    out.writeEnum(14, 1); // unpacked enum
    out.writeDouble(23, 0.5); // unpacked double
    out.writeBool(24, true); // unpacked bool
    out.flush();
    Object post = codec("PostCodec").parseFrom(bytes.toByteArray());
    assertThat(get(post, "numbers")).isEqualTo(List.of(1, 2, 3, 4));
    assertThat(get(post, "colors")).isEqualTo(List.of(enumConstant("Color", "GREEN")));
    assertThat(get(post, "weights")).isEqualTo(List.of(0.5));
    assertThat(get(post, "bits")).isEqualTo(List.of(true));
  }

  @Test
  void nestingDeeperThanMaxDepthIsRejected() throws Exception {
    MessageCodec<Object> codec = codec("PostCodec");
    byte[] shallow = codec.toByteArray(fixture("chain", MessageCodec.MAX_DEPTH - 1));
    assertThat(codec.toByteArray(codec.parseFrom(shallow))).isEqualTo(shallow);
    // the encoder refuses what the decoder would refuse (and a cycle: NullsAndCyclesTest)
    Object tooDeep = fixture("chain", MessageCodec.MAX_DEPTH + 5);
    assertThatThrownBy(() -> codec.toByteArray(tooDeep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("messages nest more than 100 levels deep");
    byte[] deep = new byte[0];
    for (int i = 0; i < MessageCodec.MAX_DEPTH + 5; i++) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      com.google.protobuf.CodedOutputStream out =
          com.google.protobuf.CodedOutputStream.newInstance(bytes);
      out.writeByteArray(20, deep); // Post.replyTo
      out.flush();
      deep = bytes.toByteArray();
    }
    byte[] input = deep;
    assertThatThrownBy(() -> codec.decode(CodedInputStream.newInstance(input), 0))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("nesting");
  }

  @Test
  void oneofWithoutCaseIsRejected() throws Exception {
    assertThatThrownBy(() -> codec("ShapeCodec").parseFrom(new byte[] {0x78, 0x01}))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("Shape");
  }

  @Test
  void nullInRequiredFieldNamesTheField() throws Exception {
    Object author = newRecord("Author", null, enumConstant("Author$Kind", "BOT"));
    assertThatThrownBy(() -> codec("AuthorCodec").toByteArray(author))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Author.name is null; declare it @Nullable or Optional to make it optional");
  }

  @Test
  void nullElementOfPackedListNamesTheField() throws Exception {
    Object post = fixture("withReply", Optional.empty());
    List<Object> args = new ArrayList<>();
    for (var c : post.getClass().getRecordComponents()) {
      args.add(c.getAccessor().invoke(post));
    }
    args.set(11, java.util.Arrays.asList(1, null)); // numbers: packed int32
    Object withNull = newRecord("Post", args.toArray());
    assertThatThrownBy(() -> codec("PostCodec").toByteArray(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.numbers element is null; a list cannot hold null");
    args.set(11, List.of());
    args.set(
        13, java.util.Arrays.asList(enumConstant("Color", "RED"), null)); // colors: packed enum
    Object withNullColor = newRecord("Post", args.toArray());
    assertThatThrownBy(() -> codec("PostCodec").toByteArray(withNullColor))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.colors element is null; a list cannot hold null");
    args.set(13, List.of());
    Map<String, Integer> counts = new java.util.HashMap<>();
    counts.put("a", null);
    args.set(14, counts);
    Object withNullValue = newRecord("Post", args.toArray());
    assertThatThrownBy(() -> codec("PostCodec").toByteArray(withNullValue))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.counts value is null; a map cannot hold null keys or values");
  }

  @Test
  void synthesizedMessagesRoundTrip() throws Exception {
    MessageCodec<Object> request = codec("PostMessageRequestCodec");
    Object value =
        loader
            .loadClass("example.ChatServiceRpc$PostMessageRequest")
            .getDeclaredConstructors()[0]
            .newInstance("lobby", "hi", List.of("a"));
    byte[] bytes = request.toByteArray(value);
    // room = 1, text = 5 (@Field), tags = 3 (position)
    assertThat(bytes)
        .isEqualTo(new byte[] {0x0a, 5, 'l', 'o', 'b', 'b', 'y', 0x2a, 2, 'h', 'i', 0x1a, 1, 'a'});
    assertThat(request.parseFrom(bytes)).isEqualTo(value);

    MessageCodec<Object> count = codec("CountResponseCodec");
    assertThat(count.parseFrom(count.toByteArray(42))).isEqualTo(42);
    assertThat(count.toByteArray(0)).isEqualTo(new byte[] {0x08, 0x00}); // optional: present
    MessageCodec<Object> ping = codec("PingResponseCodec");
    assertThat(ping.toByteArray(0L)).isEmpty();
    assertThat(ping.parseFrom(new byte[0])).isEqualTo(0L);
    MessageCodec<Object> chat = codec("ChatRequestCodec");
    assertThat(chat.parseFrom(chat.toByteArray("line"))).isEqualTo("line");
  }

  @Test
  void descriptorsAndBindingMatchTheInterface() throws Exception {
    Class<?> rpc = loader.loadClass("example.ChatServiceRpc");
    ServiceDescriptor descriptor = (ServiceDescriptor) rpc.getField("DESCRIPTOR").get(null);
    assertThat(descriptor.name()).isEqualTo("example.chat.ChatService");
    assertThat(descriptor.version()).isEqualTo(2);
    List<String> names = new ArrayList<>();
    for (MethodDescriptor<?, ?> m : descriptor.methods()) {
      names.add(m.methodName() + ":" + m.kind());
    }
    assertThat(names)
        .containsExactly(
            "PostMessage:UNARY",
            "Get:UNARY",
            "Fetch:UNARY",
            "Count:UNARY",
            "Ping:UNARY",
            "Clear:UNARY",
            "Watch:SERVER_STREAMING",
            "Upload:CLIENT_STREAMING",
            "Chat:BIDI_STREAMING",
            "Mirror:UNARY");
    assertThat(((MethodDescriptor<?, ?>) rpc.getField("POST_MESSAGE").get(null)).fullName())
        .isEqualTo("example.chat.ChatService/PostMessage");
    assertThat(((MethodDescriptor<?, ?>) rpc.getField("UPLOAD").get(null)).kind())
        .isEqualTo(CallKind.CLIENT_STREAMING);
    assertThat(((MethodDescriptor<?, ?>) rpc.getField("UPLOAD").get(null)).since()).isEqualTo(1);
    assertThat(((MethodDescriptor<?, ?>) rpc.getField("MIRROR").get(null)).since()).isEqualTo(2);
    assertThat(descriptor.fingerprint()).matches("[0-9a-f]{16}");

    Class<?> iface = loader.loadClass("example.ChatService");
    Object impl =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {iface},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(method.getName());
            });
    ServerServiceDefinition definition =
        (ServerServiceDefinition) rpc.getMethod("bind", iface).invoke(null, impl);
    for (MethodDescriptor<?, ?> m : descriptor.methods()) {
      assertThat(ServiceDefinitions.handler(definition, m.fullName())).as(m.fullName()).isNotNull();
    }
    Object provider =
        loader.loadClass("example.ChatServiceRpc$Provider").getConstructor().newInstance();
    assertThat(provider.getClass().getMethod("serviceInterface").invoke(provider)).isEqualTo(iface);
  }

  @Test
  void skeletonMethodsAreUnimplemented() throws Exception {
    Class<?> skeleton = loader.loadClass("example.ChatServiceRpc$Skeleton");
    assertThat(java.lang.reflect.Modifier.isAbstract(skeleton.getModifiers())).isTrue();
    assertThat(skeleton.getDeclaredMethods()).hasSize(10);
  }
}
