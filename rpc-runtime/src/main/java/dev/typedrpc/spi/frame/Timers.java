package dev.typedrpc.spi.frame;

import dev.typedrpc.internal.Executors2;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock and a scheduler for one connection's timers (keep-alive, idle, age). Tasks run on the
 * connection's executor, and a cancelled task never runs, even if its time had come. Tests give a
 * fake one.
 */
interface Timers {
  /** A scheduled task; {@link #cancel} is called on the connection's executor. */
  interface Scheduled {
    void cancel();
  }

  /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Runs {@code task} on the connection's executor after {@code delayNanos}. */
  Scheduled schedule(Runnable task, long delayNanos);

  /** The shared timer thread, with tasks hopping onto {@code executor}. */
  static Timers system(Executor executor) {
    return new Timers() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Scheduled schedule(Runnable task, long delayNanos) {
        return new SystemScheduled(executor, task, delayNanos);
      }
    };
  }

  /** A task on the shared timer thread that hops onto the connection's executor. */
  final class SystemScheduled implements Scheduled, Runnable {
    private final Executor executor;
    private final Runnable task;
    private final ScheduledFuture<?> future;
    private boolean cancelled; // executor only

    SystemScheduled(Executor executor, Runnable task, long delayNanos) {
      this.executor = executor;
      this.task = task;
      this.future =
          Executors2.timers()
              .schedule(() -> executor.execute(this), delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      if (!cancelled) {
        cancelled = true;
        task.run();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      future.cancel(false);
    }

    @Override
    public String toString() {
      return "timer on " + executor;
    }
  }
}
