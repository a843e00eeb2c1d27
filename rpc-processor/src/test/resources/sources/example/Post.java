package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.Since;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A message with every mapped type. */
@SuppressWarnings("deprecation") // javac: "@Deprecated has no effect" on the constructor parameter
@Reserved(numbers = {25, 26}, names = {"oldText"})
public record Post(
    String text,
    int count,
    long big,
    float ratio,
    double score,
    boolean flag,
    byte[] data,
    Integer maybeCount,
    @Nullable String nick,
    Optional<String> subject,
    Color color,
    List<Integer> numbers,
    List<String> tags,
    List<Color> colors,
    Map<String, Integer> counts,
    Map<Long, Author> authors,
    Instant at,
    Duration ttl,
    Author author,
    Optional<Post> replyTo,
    List<Post> replies,
    @Nullable Shape shape,
    List<Double> weights,
    @Deprecated List<Boolean> bits,
    @Field(30) @Since(2) double extra) {}
