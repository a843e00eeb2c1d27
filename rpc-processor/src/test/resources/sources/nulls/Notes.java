package nulls;

import dev.typedrpc.annotations.RpcService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/** Nulls where the schema has none, and cycles, on both sides of a call. */
@RpcService
public interface Notes {
  Note save(Note note);

  CompletableFuture<Note> saveAsync(Note note);

  Flow.Publisher<Note> watch(Note filter);

  CompletableFuture<Integer> upload(Flow.Publisher<Note> notes);

  /** Answers a note whose text is null: a server bug. */
  Note broken();

  Tree tree(Tree tree);

  /** A tree whose children list contains itself. */
  Tree cyclic();

  record Note(
      String text,
      @Nullable String nick,
      List<String> tags,
      Map<String, Integer> counts,
      Author author,
      Shape shape) {}

  record Author(String name) {}

  sealed interface Shape permits Shape.Dot, Shape.Line {
    record Dot() implements Shape {}

    record Line(int length) implements Shape {}
  }

  record Tree(String name, List<Tree> children) {}
}
