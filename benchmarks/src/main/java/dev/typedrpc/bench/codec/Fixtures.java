package dev.typedrpc.bench.codec;

import com.google.protobuf.Timestamp;
import dev.typedrpc.bench.codec.proto.CodecProtos;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages the codec benchmark encodes, as typedrpc records and as protobuf-java messages with
 * the same content (so both systems write the same bytes). Maps keep insertion order on both sides:
 * protobuf-java writes map entries in insertion order, and so do typedrpc codecs.
 */
public final class Fixtures {
  public static final Small SMALL = new Small(123_456, 1_764_000_000_123L, 0.875, true);

  public static final ChatMessage CHAT =
      new ChatMessage(
          9_876_543_210L,
          "engineering-general",
          new Author("Ana Müller", 42),
          "Deploy of build 1.4.2 finished; latency p99 went from 180 ms to 95 ms ☺. Please re-run the smoke tests.",
          List.of("deploy", "release-1.4", "perf"),
          Instant.ofEpochSecond(1_764_000_000L, 123_456_789),
          attributes());

  private Fixtures() {}

  private static Map<String, String> attributes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("client", "web/2.31.0");
    m.put("locale", "de-DE");
    m.put("thread", "t-5521");
    return Collections.unmodifiableMap(m);
  }

  /** {@code small} as a protobuf-java message. */
  public static CodecProtos.Small toProto(Small small) {
    return CodecProtos.Small.newBuilder()
        .setId(small.id())
        .setTimestampMillis(small.timestampMillis())
        .setScore(small.score())
        .setActive(small.active())
        .build();
  }

  /** {@code chat} as a protobuf-java message. */
  public static CodecProtos.ChatMessage toProto(ChatMessage chat) {
    Instant sentAt = chat.sentAt();
    return CodecProtos.ChatMessage.newBuilder()
        .setId(chat.id())
        .setRoom(chat.room())
        .setAuthor(
            CodecProtos.Author.newBuilder().setName(chat.author().name()).setId(chat.author().id()))
        .setText(chat.text())
        .addAllTags(chat.tags())
        .setSentAt(
            Timestamp.newBuilder().setSeconds(sentAt.getEpochSecond()).setNanos(sentAt.getNano()))
        .putAllAttributes(chat.attributes())
        .build();
  }
}
