package dev.typedrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
