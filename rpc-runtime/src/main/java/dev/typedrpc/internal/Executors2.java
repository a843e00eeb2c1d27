package dev.typedrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Shared daemon thread pools of the runtime. */
public final class Executors2 {
  private Executors2() {}

  private static final class Shared {
    static final ExecutorService CALLBACKS =
        Executors.newCachedThreadPool(daemon("typedrpc-callback-"));
    static final ScheduledExecutorService TIMERS = timers();

    private static ScheduledExecutorService timers() {
      ScheduledThreadPoolExecutor timers =
          new ScheduledThreadPoolExecutor(1, daemon("typedrpc-timer-"));
      timers.setRemoveOnCancelPolicy(true); // cancelled deadline timers do not pile up
      return timers;
    }
  }

  /**
   * The default executor for client callbacks and server implementations: cached daemon threads.
   */
  public static Executor sharedCallbackExecutor() {
    return Shared.CALLBACKS;
  }

  /**
   * Whether {@code executor} runs a task on the submitting thread before {@code execute} returns (a
   * direct executor, as gRPC's {@code directExecutor()}). Runs one empty task on it to find out.
   */
  public static boolean runsOnCaller(Executor executor) {
    Thread caller = Thread.currentThread();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    try {
      executor.execute(() -> ranOn.compareAndSet(null, Thread.currentThread()));
    } catch (RuntimeException e) {
      return false; // e.g. rejected: not direct as far as we can tell
    }
    return ranOn.get() == caller;
  }

  /** One timer thread for deadlines. Tasks on it must be short. */
  public static ScheduledExecutorService timers() {
    return Shared.TIMERS;
  }

  /** A factory of daemon threads named {@code prefix} + a counter. */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
