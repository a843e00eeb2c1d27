package nulls;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import nulls.Notes.Author;
import nulls.Notes.Note;
import nulls.Notes.Shape;
import nulls.Notes.Tree;

/** Serves {@link Notes} on the in-memory transport; each call's result or exception by name. */
public final class Driver {
  private Driver() {}

  static Note note(String text) {
    return new Note(text, null, List.of("t"), Map.of("c", 1), new Author("ana"), new Shape.Dot());
  }

  static Object outcome(Callable<?> call) {
    try {
      Object result = call.call();
      return result instanceof CompletableFuture<?> f ? f.get(10, TimeUnit.SECONDS) : result;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception | Error e) {
      return e;
    }
  }

  static Tree cycle() {
    List<Tree> children = new ArrayList<>();
    Tree tree = new Tree("loop", children);
    children.add(tree);
    return tree;
  }

  public static Map<String, Object> run() throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    RpcServer server =
        RpcServer.builder().listen("mem:nulls").addService(NotesRpc.bind(new Impl())).build();
    server.start();
    try (RpcChannel channel = RpcChannel.connect(URI.create("mem:nulls"))) {
      Notes notes = NotesRpc.newStub(channel);
      r.put("ok", outcome(() -> notes.save(note("hi"))));
      r.put("field", outcome(() -> notes.save(note(null))));
      r.put("request", outcome(() -> notes.save(null)));
      r.put("async", outcome(() -> notes.saveAsync(note(null))));
      r.put("serverStream", outcome(() -> notes.watch(note(null))));
      List<String> tags = new ArrayList<>();
      tags.add(null);
      r.put("element", outcome(() -> notes.save(new Note("x", null, tags, Map.of(), null, null))));
      Map<String, Integer> keys = new HashMap<>();
      keys.put(null, 1);
      r.put("key", outcome(() -> notes.save(withCounts(keys))));
      Map<String, Integer> values = new HashMap<>();
      values.put("k", null);
      r.put("value", outcome(() -> notes.save(withCounts(values))));
      r.put(
          "nested",
          outcome(
              () ->
                  notes.save(
                      new Note("x", null, List.of(), Map.of(), new Author(null), new Shape.Dot()))));
      r.put(
          "oneof",
          outcome(
              () -> notes.save(new Note("x", null, List.of(), Map.of(), new Author("a"), null))));
      r.put("clientStream", outcome(() -> notes.upload(publish(List.of(note("a"), note(null))))));
      r.put("serverBug", outcome(notes::broken));
      r.put("cycle", outcome(() -> notes.tree(cycle())));
      r.put("serverCycle", outcome(notes::cyclic));
      r.put("afterwards", outcome(() -> notes.save(note("still here"))));
    } finally {
      server.shutdown();
    }
    return r;
  }

  static Note withCounts(Map<String, Integer> counts) {
    return new Note("x", null, List.of(), counts, new Author("a"), new Shape.Dot());
  }

  /** Emits {@code items} on request (synchronously), then completes. */
  static <T> Flow.Publisher<T> publish(List<T> items) {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              int next;
              boolean emitting;
              long demand;

              @Override
              public synchronized void request(long n) {
                demand += n;
                if (emitting) {
                  return;
                }
                emitting = true;
                while (demand > 0 && next < items.size()) {
                  demand--;
                  subscriber.onNext(items.get(next++));
                }
                if (next == items.size()) {
                  next++;
                  subscriber.onComplete();
                }
                emitting = false;
              }

              @Override
              public void cancel() {
                next = items.size() + 1;
              }
            });
  }

  static final class Impl implements Notes {
    @Override
    public Note save(Note note) {
      return note;
    }

    @Override
    public CompletableFuture<Note> saveAsync(Note note) {
      return CompletableFuture.completedFuture(note);
    }

    @Override
    public Flow.Publisher<Note> watch(Note filter) {
      return publish(List.of(filter));
    }

    @Override
    public CompletableFuture<Integer> upload(Flow.Publisher<Note> notes) {
      CompletableFuture<Integer> count = new CompletableFuture<>();
      notes.subscribe(
          new Flow.Subscriber<Note>() {
            int n;

            @Override
            public void onSubscribe(Flow.Subscription s) {
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Note item) {
              n++;
            }

            @Override
            public void onError(Throwable t) {
              count.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
              count.complete(n);
            }
          });
      return count;
    }

    @Override
    public Note broken() {
      return note(null);
    }

    @Override
    public Tree tree(Tree tree) {
      return tree;
    }

    @Override
    public Tree cyclic() {
      return cycle();
    }
  }
}
