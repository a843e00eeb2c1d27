package dev.typedrpc.netty.internal.grpc;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work other threads hand to one HTTP/2 client connection (a call's start, its requests for
 * messages, its messages), run on the connection's event loop in the order given by one task per
 * turn of the loop, with one flush at its end. A task and a flush per call and step made a unary
 * call started from another thread three tasks on the loop; gRPC-Java's {@code WriteQueue} drains
 * its commands the same way. The queue holds what calls have written and not yet sent, so it is
 * bounded as the loop's own task queue is: by each call's send window ({@link H2Limits#SEND_WINDOW}
 * messages) and the calls in progress. Thread-safe; the commands run on the loop only.
 */
final class H2WriteQueue implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(H2WriteQueue.class);

  /** Commands run per task at most, so that a busy producer cannot keep the loop from its I/O. */
  private static final int MAX_PER_TASK = 1024;

  private final EventLoop loop;
  private final BatchFlushingHttp2Handler handler;
  private final Queue<Runnable> commands = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  H2WriteQueue(EventLoop loop, BatchFlushingHttp2Handler handler) {
    this.loop = loop;
    this.handler = handler;
  }

  /**
   * Queues {@code command} behind the ones before it; false if the loop is shut down (nothing will
   * run it).
   */
  boolean add(Runnable command) {
    commands.add(command);
    if (scheduled.get() || !scheduled.compareAndSet(false, true)) {
      return true; // a drain is due and will see it
    }
    try {
      loop.execute(this);
      return true;
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      return false;
    }
  }

  /** Runs what is queued (loop only), then flushes once. */
  @Override
  public void run() {
    handler.beginBatch();
    try {
      int n = 0;
      Runnable c;
      while (n++ < MAX_PER_TASK && (c = commands.poll()) != null) {
        try {
          c.run();
        } catch (RuntimeException e) {
          log.warn("bug: a command of an HTTP/2 call failed", e); // the others still run
        }
      }
    } finally {
      handler.endBatch();
      scheduled.set(false);
    }
    // more came (or was left): a command queued after the last poll saw a drain due and relies on
    // it
    if (!commands.isEmpty() && scheduled.compareAndSet(false, true)) {
      try {
        loop.execute(this);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // the loop is shut down: its channels are closed, their calls ended
      }
    }
  }
}
