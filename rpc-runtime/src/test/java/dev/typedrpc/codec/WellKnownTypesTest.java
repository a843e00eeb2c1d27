package dev.typedrpc.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class WellKnownTypesTest {

  static List<Instant> instants() {
    return List.of(
        Instant.EPOCH,
        Instant.ofEpochSecond(1, 0),
        Instant.ofEpochSecond(0, 1),
        Instant.ofEpochSecond(-1, 999_999_999),
        Instant.ofEpochSecond(-62135596800L, 0),
        Instant.ofEpochSecond(253402300799L, 999_999_999));
  }

  static List<Duration> durations() {
    return List.of(
        Duration.ZERO,
        Duration.ofSeconds(5),
        Duration.ofNanos(1),
        Duration.ofNanos(-1),
        Duration.ofSeconds(-3, 5),
        Duration.ofSeconds(315_576_000_000L));
  }

  /** Field 1 holding the value, written by protobuf-java's own message. */
  private static byte[] field1(com.google.protobuf.MessageLite message) throws IOException {
    byte[] bytes = new byte[CodedOutputStream.computeMessageSize(1, message)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeMessage(1, message);
    out.checkNoSpaceLeft();
    return bytes;
  }

  @ParameterizedTest
  @MethodSource("instants")
  void timestampMatchesProtobuf(Instant instant) throws IOException {
    Timestamp proto =
        Timestamp.newBuilder()
            .setSeconds(instant.getEpochSecond())
            .setNanos(instant.getNano())
            .build();
    byte[] expected = field1(proto);
    byte[] actual = new byte[WellKnownTypes.timestampSize(1, instant)];
    CodedOutputStream out = CodedOutputStream.newInstance(actual);
    WellKnownTypes.writeTimestamp(out, 1, instant);
    out.checkNoSpaceLeft();
    assertThat(actual).isEqualTo(expected);

    CodedInputStream in = CodedInputStream.newInstance(expected);
    assertThat(in.readTag()).isEqualTo(10);
    assertThat(WellKnownTypes.readTimestamp(in, 0)).isEqualTo(instant);
  }

  @ParameterizedTest
  @MethodSource("durations")
  void durationMatchesProtobuf(Duration duration) throws IOException {
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    if (seconds < 0 && nanos > 0) {
      seconds += 1;
      nanos -= 1_000_000_000;
    }
    com.google.protobuf.Duration proto =
        com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    byte[] expected = field1(proto);
    byte[] actual = new byte[WellKnownTypes.durationSize(1, duration)];
    CodedOutputStream out = CodedOutputStream.newInstance(actual);
    WellKnownTypes.writeDuration(out, 1, duration);
    out.checkNoSpaceLeft();
    assertThat(actual).isEqualTo(expected);

    CodedInputStream in = CodedInputStream.newInstance(expected);
    in.readTag();
    assertThat(WellKnownTypes.readDuration(in, 0)).isEqualTo(duration);
  }

  @Test
  void readSkipsUnknownFieldsInsideTimestamp() throws IOException {
    byte[] bytes = {0x0a, 0x06, 0x08, 0x05, 0x18, 0x07, 0x10, 0x02};
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.readTag();
    assertThat(WellKnownTypes.readTimestamp(in, 0)).isEqualTo(Instant.ofEpochSecond(5, 2));
    assertThat(in.isAtEnd()).isTrue();
  }

  @Test
  void nestedReadChecksDepth() {
    byte[] bytes = {0x0a, 0x00};
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(bytes);
              in.readTag();
              WellKnownTypes.readTimestamp(in, MessageCodec.MAX_DEPTH);
            })
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void truncatedInputIsRejected() {
    byte[] bytes = {0x0a, 0x05, 0x08};
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(bytes);
              in.readTag();
              WellKnownTypes.readTimestamp(in, 0);
            })
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void valuesBeyondJavaTimeAreMalformedInput() {
    Timestamp far = Timestamp.newBuilder().setSeconds(1L << 62).build();
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(field1(far));
              in.readTag();
              WellKnownTypes.readTimestamp(in, 0);
            })
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("Timestamp of 4611686018427387904 s");
    com.google.protobuf.Duration longest =
        com.google.protobuf.Duration.newBuilder()
            .setSeconds(Long.MAX_VALUE)
            .setNanos(2_000_000_000)
            .build();
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(field1(longest));
              in.readTag();
              WellKnownTypes.readDuration(in, 0);
            })
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("Duration of " + Long.MAX_VALUE + " s");
  }
}
