package dev.typedrpc.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code google.protobuf.Timestamp} as {@link Instant} and {@code google.protobuf.Duration} as
 * {@link Duration}, both {@code {int64 seconds = 1; int32 nanos = 2;}}. Durations follow protobuf's
 * sign rule: {@code seconds} and {@code nanos} have the same sign.
 */
public final class WellKnownTypes {
  private WellKnownTypes() {}

  private static int secondsNanosSize(long seconds, int nanos) {
    int size = 0;
    if (seconds != 0) {
      size += CodedOutputStream.computeInt64Size(1, seconds);
    }
    if (nanos != 0) {
      size += CodedOutputStream.computeInt32Size(2, nanos);
    }
    return size;
  }

  private static void writeSecondsNanos(CodedOutputStream out, int number, long seconds, int nanos)
      throws IOException {
    out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(secondsNanosSize(seconds, nanos));
    if (seconds != 0) {
      Varints.writeInt64(out, 1, seconds);
    }
    if (nanos != 0) {
      Varints.writeInt32(out, 2, nanos);
    }
  }

  /** Size of {@code value} written as Timestamp field {@code number}. */
  public static int timestampSize(int number, Instant value) {
    return Messages.lengthDelimitedSize(
        number, secondsNanosSize(value.getEpochSecond(), value.getNano()));
  }

  /** Writes {@code value} as Timestamp field {@code number}. */
  public static void writeTimestamp(CodedOutputStream out, int number, Instant value)
      throws IOException {
    writeSecondsNanos(out, number, value.getEpochSecond(), value.getNano());
  }

  /** Reads a length-prefixed Timestamp (its tag already read) inside a message at {@code depth}. */
  public static Instant readTimestamp(CodedInputStream in, int depth) throws IOException {
    int oldLimit = Messages.beginNested(in, depth);
    long seconds = 0;
    int nanos = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == 8) {
        seconds = in.readInt64();
      } else if (tag == 16) {
        nanos = in.readInt32();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    Messages.endNested(in, oldLimit);
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException | ArithmeticException e) {
      throw outOfRange("Timestamp", seconds, nanos);
    }
  }

  /**
   * A value {@code java.time} cannot hold is malformed input, like any other (not a runtime
   * exception).
   */
  private static InvalidProtocolBufferException outOfRange(String type, long seconds, int nanos) {
    return new InvalidProtocolBufferException(
        type + " of " + seconds + " s and " + nanos + " ns is out of the range of java.time");
  }

  private static long durationSeconds(Duration value) {
    long seconds = value.getSeconds();
    return seconds < 0 && value.getNano() != 0 ? seconds + 1 : seconds;
  }

  private static int durationNanos(Duration value) {
    int nanos = value.getNano();
    return value.getSeconds() < 0 && nanos != 0 ? nanos - 1_000_000_000 : nanos;
  }

  /** Size of {@code value} written as Duration field {@code number}. */
  public static int durationSize(int number, Duration value) {
    return Messages.lengthDelimitedSize(
        number, secondsNanosSize(durationSeconds(value), durationNanos(value)));
  }

  /** Writes {@code value} as Duration field {@code number}. */
  public static void writeDuration(CodedOutputStream out, int number, Duration value)
      throws IOException {
    writeSecondsNanos(out, number, durationSeconds(value), durationNanos(value));
  }

  /** Reads a length-prefixed Duration (its tag already read) inside a message at {@code depth}. */
  public static Duration readDuration(CodedInputStream in, int depth) throws IOException {
    int oldLimit = Messages.beginNested(in, depth);
    long seconds = 0;
    int nanos = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == 8) {
        seconds = in.readInt64();
      } else if (tag == 16) {
        nanos = in.readInt32();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    Messages.endNested(in, oldLimit);
    try {
      return Duration.ofSeconds(seconds, nanos);
    } catch (ArithmeticException e) {
      throw outOfRange("Duration", seconds, nanos);
    }
  }
}
