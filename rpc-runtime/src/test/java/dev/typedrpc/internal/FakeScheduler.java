package dev.typedrpc.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A {@link Scheduler} whose clock moves only when a test says so ({@link #advanceNanos}), running
 * the tasks that fall due on the test's thread, in time order. Not thread-safe: one test thread
 * drives it.
 */
final class FakeScheduler implements Scheduler {
  private record Task(long dueNanos, long seq, Runnable task, CompletableFuture<Void> handle) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now = 1_000_000_000L;
  private long seq;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    CompletableFuture<Void> handle = new CompletableFuture<>();
    tasks.add(new Task(now + delayNanos, seq++, task, handle));
    return handle;
  }

  /** Moves the clock forward, running every task due by then. */
  void advanceNanos(long nanos) {
    long until = now + nanos;
    while (true) {
      Task next =
          tasks.stream()
              .filter(t -> t.dueNanos() <= until)
              .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::seq))
              .orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      now = Math.max(now, next.dueNanos());
      if (!next.handle().isCancelled()) {
        next.task().run();
      }
    }
    now = until;
  }

  void advanceMillis(long millis) {
    advanceNanos(millis * 1_000_000L);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  long pending() {
    return tasks.stream().filter(t -> !t.handle().isCancelled()).count();
  }
}
