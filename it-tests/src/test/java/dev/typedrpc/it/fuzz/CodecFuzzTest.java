package dev.typedrpc.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes decoded by the generated codec of {@link AllKinds}, a message with every field
 * kind the processor maps. Expected: the bytes decode, or the codec throws the {@link IOException}
 * its contract names ({@code InvalidProtocolBufferException}: truncated, malformed, too deep, an
 * unknown case of a oneof without a fallback). A decoded value must then survive a round trip: it
 * encodes in exactly {@code encodedSize} bytes, those decode to an equal value, and that value
 * encodes to the same bytes; the one documented exception is a value holding an enum's
 * {@code @Unrecognized} constant, which refuses to encode. A bug is anything else: another
 * exception (a StackOverflowError, an OutOfMemoryError, a NullPointerException, an index out of
 * bounds ...), a value the codec decoded but cannot encode, or a round trip that changes the value
 * or the bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CodecFuzzTest {
  private static final MessageCodec<AllKinds> CODEC = KindsServiceRpcCodecs.AllKindsCodec.INSTANCE;

  /**
   * Records holding {@code byte[]} compare their arrays by identity: compare field by field
   * instead, floating point exactly ({@code compare}: NaN equals NaN, -0.0 differs from 0.0;
   * AssertJ's default has a tolerance and no NaN).
   */
  private static final RecursiveComparisonConfiguration FIELD_BY_FIELD =
      RecursiveComparisonConfiguration.builder()
          .withStrictTypeChecking(true)
          .withComparatorForType(Double::compare, Double.class)
          .withComparatorForType(Float::compare, Float.class)
          .build();

  @FuzzTest(maxDuration = "5m")
  void decode(byte[] input) throws IOException {
    AllKinds decoded;
    try {
      decoded = CODEC.decode(CodedInputStream.newInstance(input), 0);
    } catch (IOException expected) {
      return;
    }
    byte[] encoded;
    try {
      encoded = CODEC.toByteArray(decoded); // checks encodedSize == bytes written
    } catch (IllegalArgumentException e) {
      // documented (@Unrecognized): an enum number this version does not know decodes, but cannot
      // be re-encoded
      assertThat(e).hasMessageContaining("@Unrecognized constant");
      return;
    }
    AllKinds again = CODEC.parseFrom(encoded);
    assertThat(again)
        .as("decode(encode(decoded))")
        .usingRecursiveComparison(FIELD_BY_FIELD)
        .isEqualTo(decoded);
    assertThat(CODEC.toByteArray(again)).as("encode(decode(encode(decoded)))").isEqualTo(encoded);
  }
}
