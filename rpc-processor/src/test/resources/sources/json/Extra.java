package json;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The field kinds {@code example.Post} lacks. */
public record Extra(
    ByteString blob,
    List<Long> longs,
    List<Float> floats,
    List<ByteString> blobs,
    Map<Integer, String> byNumber,
    Map<Boolean, Level> byFlag,
    Map<String, Choice> choices,
    Optional<Level> maybeLevel,
    Long maybeLong,
    Float maybeFloat,
    Double maybeDouble,
    Boolean maybeFlag,
    Optional<Instant> maybeWhen,
    List<Instant> times,
    List<Duration> durations,
    List<Choice> choiceList,
    Choice choice,
    Level level,
    float ratio,
    long veryLongFieldName) {

  /** An enum without an {@code @Unrecognized} constant. */
  public enum Level {
    LOW,
    HIGH
  }

  /** A oneof without an {@code @Unrecognized} case. */
  public sealed interface Choice permits Choice.Text, Choice.Number {
    record Text(String text) implements Choice {}

    record Number(long value) implements Choice {}
  }
}
