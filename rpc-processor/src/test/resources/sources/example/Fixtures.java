package example;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sample values for round-trip tests (compiled only by them). */
public final class Fixtures {
  private Fixtures() {}

  public static Post full() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("a", 1);
    counts.put("", 0);
    counts.put("zz", -7);
    Map<Long, Author> authors = new LinkedHashMap<>();
    authors.put(1L, new Author("ana", Author.Kind.USER));
    authors.put(-2L, new Author("", Author.Kind.BOT));
    Post reply = new Post("re", 1, 0, 0, 0, false, new byte[0], null, null, Optional.empty(),
        Color.RED, List.of(), List.of(), List.of(), Map.of(), Map.of(), Instant.EPOCH,
        Duration.ZERO, new Author("", Author.Kind.USER), Optional.empty(), List.of(), null,
        List.of(), List.of(), 0);
    return new Post("héllo ✓", -5, Long.MIN_VALUE, 1.5f, -0.0, true, new byte[] {0, 1, -1},
        0, "nick", Optional.of(""), Color.BLUE, List.of(1, -1, 300, 0), List.of("x", ""),
        List.of(Color.GREEN, Color.RED, Color.BLUE), counts, authors,
        Instant.ofEpochSecond(-62135596800L, 1), Duration.ofSeconds(-3, 5),
        new Author("bob", Author.Kind.BOT), Optional.of(reply), List.of(reply, reply),
        new Shape.Square(2.5), List.of(1.0, -2.0), List.of(true, false, true), 7.25);
  }

  public static Post withReply(Optional<Post> replyTo) {
    return new Post("", 0, 0, 0, 0, false, new byte[0], null, null, Optional.empty(),
        Color.RED, List.of(), List.of(), List.of(), Map.of(), Map.of(), Instant.EPOCH,
        Duration.ZERO, new Author("", Author.Kind.USER), replyTo, List.of(), null,
        List.of(), List.of(), 0);
  }

  /** A chain of {@code n} posts, each replying to the next. */
  public static Post chain(int n) {
    Post p = withReply(Optional.empty());
    for (int i = 1; i < n; i++) {
      p = withReply(Optional.of(p));
    }
    return p;
  }

  public static List<Object> nulls() {
    return new ArrayList<>();
  }
}
