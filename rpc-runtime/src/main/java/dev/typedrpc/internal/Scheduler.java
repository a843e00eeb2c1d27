package dev.typedrpc.internal;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A clock and a timer, so that code which waits (back-off, connect timeouts) can be tested with a
 * fake clock instead of sleeps. Thread-safe.
 */
interface Scheduler {
  /** The system's: {@link System#nanoTime()} and the runtime's shared timer thread. */
  Scheduler SYSTEM =
      new Scheduler() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
          return Executors2.timers().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
      };

  /** Monotonic time in nanoseconds. */
  long nanoTime();

  /** Runs {@code task} once, {@code delayNanos} from now; cancel the future to drop it. */
  Future<?> schedule(Runnable task, long delayNanos);
}
