package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import dev.typedrpc.sample.chat.ChatMessage;
import dev.typedrpc.sample.chat.ChatServiceRpc;
import dev.typedrpc.sample.chat.RoomEvent;
import dev.typedrpc.sample.chat.RoomUpdate;
import dev.typedrpc.sample.chat.Welcome;
import dev.typedrpc.spi.MessageCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema the processor emits, compiled by the real protoc, describes exactly the bytes the
 * generated codecs write: protobuf-java reads typedrpc's bytes, and typedrpc reads protobuf-java's,
 * byte for byte the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireCompatibilityIT {
  private static final MessageCodec<RoomUpdate> ROOM_UPDATE =
      ChatServiceRpc.SUBSCRIBE.responseCodec();
  private static final MessageCodec<Welcome> WELCOME = ChatServiceRpc.JOIN.responseCodec();
  // no method sends a ChatMessage or a RoomEvent alone: their codecs are package-private, reached
  // for this test only
  private static final MessageCodec<RoomEvent> ROOM_EVENT =
      GeneratedCodecs.get("dev.typedrpc.sample.chat.ChatServiceRpcCodecs$RoomEventCodec");
  private static final MessageCodec<ChatMessage> CHAT_MESSAGE =
      GeneratedCodecs.get("dev.typedrpc.sample.chat.ChatServiceRpcCodecs$ChatMessageCodec");

  private static final Instant AT = Instant.ofEpochSecond(1_764_000_000L, 123_456_789);
  private static final ChatMessage MESSAGE = new ChatMessage(42, "lobby", "ana", "héllo ☺", AT);

  private FileDescriptor chat;
  private FileDescriptor it;

  @BeforeAll
  void compileSchemas(@TempDir Path dir) throws Exception {
    chat = Protoc.compile("typedrpc.chat.ChatService", dir);
    it = Protoc.compile(ItServiceRpc.SERVICE_NAME, dir);
  }

  private static <T> DynamicMessage asProtobuf(MessageCodec<T> codec, T value, Descriptor type)
      throws Exception {
    byte[] ours = codec.toByteArray(value);
    DynamicMessage theirs = DynamicMessage.parseFrom(type, ours);
    assertThat(theirs.getUnknownFields().asMap())
        .as("fields protobuf-java does not know")
        .isEmpty();
    assertThat(theirs.toByteArray()).as("protobuf-java re-encodes the same bytes").isEqualTo(ours);
    assertThat(codec.parseFrom(theirs.toByteArray())).isEqualTo(value);
    return theirs;
  }

  private static Object field(DynamicMessage m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    assertThat(f).as("field " + name + " of " + m.getDescriptorForType().getFullName()).isNotNull();
    return m.getField(f);
  }

  @Test
  void chatMessageWithTimestamp() throws Exception {
    DynamicMessage m = asProtobuf(CHAT_MESSAGE, MESSAGE, Protoc.message(chat, "ChatMessage"));
    assertThat(field(m, "sequence")).isEqualTo(42L);
    assertThat(field(m, "text")).isEqualTo("héllo ☺");
    Timestamp at = Timestamp.parseFrom(((DynamicMessage) field(m, "at")).toByteArray());
    assertThat(at.getSeconds()).isEqualTo(AT.getEpochSecond());
    assertThat(at.getNanos()).isEqualTo(AT.getNano());
  }

  @Test
  void protobufJavaBuiltMessageDecodesInTypedrpc() throws Exception {
    Descriptor type = Protoc.message(chat, "ChatMessage");
    Descriptor timestamp = type.findFieldByName("at").getMessageType();
    DynamicMessage built =
        DynamicMessage.newBuilder(type)
            .setField(type.findFieldByName("sequence"), 7L)
            .setField(type.findFieldByName("room"), "r")
            .setField(type.findFieldByName("user"), "u")
            .setField(type.findFieldByName("text"), "t")
            .setField(
                type.findFieldByName("at"),
                DynamicMessage.newBuilder(timestamp)
                    .setField(timestamp.findFieldByName("seconds"), 5L)
                    .setField(timestamp.findFieldByName("nanos"), 6)
                    .build())
            .build();
    assertThat(CHAT_MESSAGE.parseFrom(built.toByteArray()))
        .isEqualTo(new ChatMessage(7, "r", "u", "t", Instant.ofEpochSecond(5, 6)));
  }

  @Test
  void sealedInterfaceIsAOneof() throws Exception {
    DynamicMessage m =
        asProtobuf(
            ROOM_EVENT, new RoomEvent.MessagePosted(MESSAGE), Protoc.message(chat, "RoomEvent"));
    FieldDescriptor set = m.getOneofFieldDescriptor(m.getDescriptorForType().getOneofs().get(0));
    assertThat(set.getName()).isEqualTo("message_posted");
    asProtobuf(
        ROOM_EVENT,
        new RoomEvent.MemberLeft("lobby", "bob", AT),
        Protoc.message(chat, "RoomEvent"));
    DynamicMessage update =
        asProtobuf(
            ROOM_UPDATE,
            new RoomUpdate(7, new RoomEvent.MessagePosted(MESSAGE)),
            Protoc.message(chat, "RoomUpdate"));
    assertThat(field(update, "position")).isEqualTo(7L);
  }

  @Test
  void repeatedMessagesAndStrings() throws Exception {
    Welcome welcome = new Welcome("lobby", List.of("ana", "bob"), List.of(MESSAGE, MESSAGE), 9);
    DynamicMessage m = asProtobuf(WELCOME, welcome, Protoc.message(chat, "Welcome"));
    assertThat((List<?>) field(m, "members")).hasSize(2);
    assertThat((List<?>) field(m, "recent")).hasSize(2);
  }

  @Test
  void synthesizedMessagesMatchTheirSchema() throws Exception {
    asProtobuf(
        ChatServiceRpc.HISTORY.responseCodec(),
        List.of(MESSAGE),
        Protoc.message(chat, "HistoryResponse"));
    asProtobuf(
        ItServiceRpc.GREET.requestCodec(),
        new Greeting("ana", 3, List.of("x", "y")),
        Protoc.message(it, "Greeting"));
    asProtobuf(
        ItServiceRpc.COUNT.responseCodec(), new Tick(Long.MAX_VALUE), Protoc.message(it, "Tick"));
  }

  @Test
  void defaultsAreNotWritten() throws Exception {
    DynamicMessage m =
        asProtobuf(
            CHAT_MESSAGE,
            new ChatMessage(0, "", "", "", Instant.EPOCH),
            Protoc.message(chat, "ChatMessage"));
    assertThat(m.hasField(m.getDescriptorForType().findFieldByName("text"))).isFalse();
  }
}
