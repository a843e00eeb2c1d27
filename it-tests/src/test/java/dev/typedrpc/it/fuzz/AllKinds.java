package dev.typedrpc.it.fuzz;

import dev.typedrpc.annotations.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A message with every kind of field the processor maps, for the codec fuzz target: scalars
 * (primitive and boxed), strings, bytes, enums (with an unrecognized fallback), nested records,
 * recursion, sealed interfaces ({@code oneof}, with and without a fallback case), repeated (packed
 * and not), maps with every key type, {@code Optional}, {@code @Nullable}, {@code Instant} and
 * {@code Duration}, and field numbers up to the largest protobuf allows.
 */
public record AllKinds(
    int int32,
    long int64,
    float float32,
    double float64,
    boolean flag,
    String text,
    byte[] data,
    Integer boxedInt,
    Long boxedLong,
    Float boxedFloat,
    Double boxedDouble,
    Boolean boxedFlag,
    @Nullable String nullableText,
    Optional<String> optionalText,
    Optional<byte[]> optionalData,
    Kind kind,
    @Nullable Kind nullableKind,
    List<Integer> ints,
    List<Long> longs,
    List<Float> floats,
    List<Double> doubles,
    List<Boolean> flags,
    List<Kind> kinds,
    List<String> texts,
    List<byte[]> blobs,
    List<Inner> inners,
    Map<String, Integer> byName,
    Map<Integer, String> byInt,
    Map<Long, Inner> byLong,
    Map<Boolean, Kind> byFlag,
    Map<String, byte[]> blobsByName,
    Instant at,
    Duration ttl,
    Optional<Instant> maybeAt,
    @Nullable Duration maybeTtl,
    List<Instant> times,
    Map<String, Duration> durations,
    Inner inner,
    @Nullable Shape shape,
    Optional<Strict> strict,
    List<Shape> shapes,
    Optional<AllKinds> child,
    List<AllKinds> children,
    @Field(536_870_911) int highest) {

  /** An enum with gaps in its numbers and a fallback for numbers it does not know. */
  public enum Kind {
    ZERO,
    ONE,
    @Field(7)
    SEVEN,
    @dev.typedrpc.annotations.Unrecognized
    UNRECOGNIZED
  }

  /** A nested record with its own nested record and enum. */
  public record Inner(
      String name, long count, Optional<Inner> next, Kind kind, Map<String, String> tags) {}

  /** A oneof with a fallback: unknown cases decode to {@link Unknown}. */
  public sealed interface Shape permits Shape.Circle, Shape.Square, Shape.Empty, Shape.Unknown {
    record Circle(double radius) implements Shape {}

    @Field(5)
    record Square(double side, Inner label) implements Shape {}

    record Empty() implements Shape {}

    @dev.typedrpc.annotations.Unrecognized
    record Unknown(int fieldNumber, byte[] bytes) implements Shape {}
  }

  /** A oneof without a fallback: an unknown case fails the decode. */
  public sealed interface Strict permits Strict.Text, Strict.Number {
    record Text(String value) implements Strict {}

    record Number(long value) implements Strict {}
  }
}
