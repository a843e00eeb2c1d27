package dev.typedrpc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the callbacks of one call
 * or one connection never overlap. Thread-safe. A task that throws is logged and does not stop the
 * ones after it.
 *
 * <p>One exists per call, so it is kept small: the counter is a plain field updated through a
 * {@link VarHandle} and the queue is created by the first task that has to wait in it.
 */
public final class SerializingExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerializingExecutor.class);
  private static final VarHandle PENDING;
  private static final VarHandle TASKS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(SerializingExecutor.class, "pending", int.class);
      TASKS = lookup.findVarHandle(SerializingExecutor.class, "tasks", Queue.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Executor delegate;
  private final boolean inline;

  /** Created on first need, then never replaced. */
  @SuppressWarnings("unused") // accessed through TASKS
  private volatile Queue<Runnable> tasks;

  /**
   * Tasks queued or running; the thread that raises it from 0 runs them. Accessed through PENDING.
   */
  @SuppressWarnings("unused")
  private volatile int pending;

  private volatile Thread runner;

  public SerializingExecutor(Executor delegate) {
    this(delegate, false);
  }

  /**
   * @param inline whether {@code delegate} runs tasks on the submitting thread (a direct executor):
   *     then an idle executor runs a task right away on the caller instead of queueing it, and
   *     {@link #tryEnter} may be used
   */
  public SerializingExecutor(Executor delegate, boolean inline) {
    this.delegate = delegate;
    this.inline = inline;
  }

  @Override
  public void execute(Runnable task) {
    if (tryEnter()) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("task failed", e);
      } finally {
        exit();
      }
      return;
    }
    queue().add(task);
    if ((int) PENDING.getAndAdd(this, 1) == 0) {
      try {
        delegate.execute(this::drain);
      } catch (RuntimeException e) {
        // the delegate refused (e.g. shut down): run here rather than lose the task
        drain();
      }
    }
  }

  /**
   * Inline mode only: claims the idle executor for the calling thread, which then runs its work
   * directly (no task object) and must call {@link #exit} after. False if not inline or busy: then
   * submit a task as usual, which runs after the current one (also when the caller is inside a task
   * of this executor: tasks never nest).
   */
  public boolean tryEnter() {
    if (inline && PENDING.compareAndSet(this, 0, 1)) {
      runner = Thread.currentThread();
      return true;
    }
    return false;
  }

  /** Ends what {@link #tryEnter} began, running the tasks submitted meanwhile. */
  public void exit() {
    runner = null;
    if ((int) PENDING.getAndAdd(this, -1) != 1) {
      drain();
    }
  }

  /** Whether the calling thread is running this executor's tasks right now. */
  public boolean inExecutor() {
    return runner == Thread.currentThread();
  }

  @SuppressWarnings("unchecked")
  private Queue<Runnable> queue() {
    Queue<Runnable> q = (Queue<Runnable>) TASKS.getVolatile(this);
    if (q == null) {
      Queue<Runnable> created = new ConcurrentLinkedQueue<>();
      q = (Queue<Runnable>) TASKS.compareAndExchange(this, null, created);
      if (q == null) {
        q = created;
      }
    }
    return q;
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      Queue<Runnable> q = queue(); // a task was added before pending rose: the queue exists
      do {
        Runnable task = q.poll();
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("task failed", e);
        }
      } while ((int) PENDING.getAndAdd(this, -1) != 1);
    } finally {
      runner = null;
    }
  }
}
