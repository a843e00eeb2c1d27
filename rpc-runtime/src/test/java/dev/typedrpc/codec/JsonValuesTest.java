package dev.typedrpc.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.typedrpc.spi.InvalidJsonException;
import dev.typedrpc.spi.JsonCodec;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Single values in proto3 JSON: the forms of well-known types, numbers and bytes. */
class JsonValuesTest {
  interface Writer {
    void write(JsonGenerator out) throws IOException;
  }

  private static String written(Writer w) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JsonCodec.factory().createGenerator(text)) {
      w.write(out);
    }
    return text.toString();
  }

  private static JsonParser parser(String json) throws IOException {
    JsonParser in = JsonCodec.factory().createParser(json);
    in.nextToken();
    return in;
  }

  @Test
  void timestampsInRfc3339WithZeroThreeSixOrNineDigits() throws IOException {
    assertThat(written(out -> JsonValues.writeTimestamp(out, Instant.EPOCH)))
        .isEqualTo("\"1970-01-01T00:00:00Z\"");
    assertThat(written(out -> JsonValues.writeTimestamp(out, Instant.ofEpochSecond(1, 20_000_000))))
        .isEqualTo("\"1970-01-01T00:00:01.020Z\"");
    assertThat(written(out -> JsonValues.writeTimestamp(out, Instant.ofEpochSecond(-1, 1_000))))
        .isEqualTo("\"1969-12-31T23:59:59.000001Z\"");
    assertThat(
            written(
                out ->
                    JsonValues.writeTimestamp(
                        out, Instant.parse("9999-12-31T23:59:59.999999999Z"))))
        .isEqualTo("\"9999-12-31T23:59:59.999999999Z\"");
    assertThatThrownBy(() -> written(out -> JsonValues.writeTimestamp(out, Instant.MAX)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("years 0001 to 9999");
    assertThat(JsonValues.readTimestamp(parser("\"1970-01-01T01:00:00.5+01:00\"")))
        .isEqualTo(Instant.ofEpochMilli(500));
  }

  @Test
  void durationsAsSecondsWithAnSSuffix() throws IOException {
    assertThat(written(out -> JsonValues.writeDuration(out, Duration.ofMillis(1500))))
        .isEqualTo("\"1.500s\"");
    assertThat(written(out -> JsonValues.writeDuration(out, Duration.ofNanos(-1))))
        .isEqualTo("\"-0.000000001s\"");
    assertThat(written(out -> JsonValues.writeDuration(out, Duration.ofSeconds(-3))))
        .isEqualTo("\"-3s\"");
    assertThat(JsonValues.readDuration(parser("\"-1.5s\""))).isEqualTo(Duration.ofMillis(-1500));
    assertThat(JsonValues.readDuration(parser("\"0.000000001s\""))).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> JsonValues.readDuration(parser("\"1.0000000001s\"")))
        .isInstanceOf(InvalidJsonException.class);
    assertThatThrownBy(
            () -> written(out -> JsonValues.writeDuration(out, Duration.ofDays(4_000_000))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numbersBytesAndSpecialFloats() throws IOException {
    assertThat(written(out -> JsonValues.writeInt64(out, Long.MAX_VALUE)))
        .isEqualTo("\"9223372036854775807\"");
    assertThat(written(out -> JsonValues.writeDouble(out, Double.NaN))).isEqualTo("\"NaN\"");
    assertThat(written(out -> JsonValues.writeFloat(out, Float.NEGATIVE_INFINITY)))
        .isEqualTo("\"-Infinity\"");
    assertThat(written(out -> JsonValues.writeBytes(out, new byte[] {-5, -1})))
        .isEqualTo("\"+/8=\"");
    assertThat(JsonValues.readByteArray(parser("\"-_8\""))).containsExactly(-5, -1);
    assertThat(JsonValues.readByteArray(parser("\"+/8\""))).containsExactly(-5, -1);
    assertThat(JsonValues.readInt64(parser("\"-9223372036854775808\""))).isEqualTo(Long.MIN_VALUE);
    assertThat(JsonValues.readInt32(parser("1.0e1"))).isEqualTo(10);
    assertThatThrownBy(() -> JsonValues.readInt32(parser("2147483648")))
        .isInstanceOf(InvalidJsonException.class)
        .hasMessageContaining("out of range of an int32");
  }
}
