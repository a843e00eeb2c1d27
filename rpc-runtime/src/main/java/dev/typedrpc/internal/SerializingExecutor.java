package dev.typedrpc.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the callbacks of one call or one
 * connection never overlap. Thread-safe. A task that throws is logged and does not stop the ones after it.
 */
public final class SerializingExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerializingExecutor.class);

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Thread runner;

  public SerializingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      try {
        delegate.execute(this::drain);
      } catch (RuntimeException e) {
        // the delegate refused (e.g. shut down): run here rather than lose the task
        drain();
      }
    }
  }

  /** Whether the calling thread is running this executor's tasks right now. */
  public boolean inExecutor() {
    return runner == Thread.currentThread();
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      do {
        Runnable task = tasks.poll();
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("task failed", e);
        }
      } while (pending.decrementAndGet() != 0);
    } finally {
      runner = null;
    }
  }
}
