package dev.typedrpc.stub;

import dev.typedrpc.Publishers;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * The adapter generated code calls for methods returning {@link Stream}: a client consumes a server
 * stream by blocking iteration; a server implementation returns a {@code Stream} that is pulled as
 * the client grants credit.
 */
public final class BlockingStreams {
  private BlockingStreams() {}

  /** A call's responses as a blocking stream (see {@link Publishers#toStream(Flow.Publisher)}). */
  public static <T> Stream<T> stream(Flow.Publisher<T> responses) {
    return Publishers.toStream(responses);
  }

  /** An implementation's stream as responses, pulled on demand and closed when the call ends. */
  public static <T> Flow.Publisher<T> toFlow(Stream<T> stream) {
    if (stream == null) {
      throw new NullPointerException("the implementation returned a null Stream");
    }
    return Publishers.fromStream(stream);
  }
}
