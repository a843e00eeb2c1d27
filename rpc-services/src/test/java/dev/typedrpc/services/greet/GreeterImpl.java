package dev.typedrpc.services.greet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Greets {@code times} times, louder when excited. */
public final class GreeterImpl implements Greeter {
  /** The time every reply carries. */
  public static final Instant AT = Instant.ofEpochSecond(1_700_000_000L, 5);

  @Override
  public HelloReply greet(HelloRequest request) {
    String word = request.mood() == Mood.EXCITED ? "HELLO" : "hello";
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < request.times(); i++) {
      parts.add(word);
    }
    return new HelloReply(
        word + " " + request.name(), parts, Map.of(request.name(), request.times()), AT);
  }

  @Override
  public long count() {
    return 42;
  }
}
