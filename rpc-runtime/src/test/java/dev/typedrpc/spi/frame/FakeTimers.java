package dev.typedrpc.spi.frame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock that moves only when told, and the timers it fires in order: no sleeps in tests. */
final class FakeTimers implements Timers {
  private final List<Task> tasks = new ArrayList<>();
  private long now = 1_000_000_000L;
  private long seq;

  private final class Task implements Scheduled {
    final long due;
    final long order = seq++;
    final Runnable run;
    boolean cancelled;

    Task(long due, Runnable run) {
      this.due = due;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
      tasks.remove(this);
    }
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + delayNanos, task);
    tasks.add(t);
    return t;
  }

  /** Moves the clock forward, running every timer that comes due, each at its time. */
  void forward(long nanos) {
    long end = now + nanos;
    while (true) {
      Task next =
          tasks.stream()
              .filter(t -> t.due <= end)
              .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
              .orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      now = Math.max(now, next.due);
      next.run.run();
    }
    now = end;
  }

  int pending() {
    return tasks.size();
  }
}
