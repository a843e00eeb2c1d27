package dev.typedrpc.internal;

import dev.typedrpc.ConnectionState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's state listeners. Each change is handed to them as a task on an executor that is never
 * the announcing thread: the channel announces changes while holding its lock, often on a
 * transport's event loop, and a listener may block or call back into the channel. Deliveries run
 * one at a time, in the order announced, each change once to every listener registered when it is
 * delivered. Thread-safe.
 */
final class StateListeners {
  private static final Logger log = LoggerFactory.getLogger(StateListeners.class);

  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private final SerializingExecutor deliveries;

  /**
   * @param executor runs deliveries; must not run them on the submitting thread (not a direct
   *     executor)
   */
  StateListeners(Executor executor) {
    this.deliveries = new SerializingExecutor(executor);
  }

  AutoCloseable add(Consumer<ConnectionState> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Queues the delivery of {@code state}; may be called holding locks. Calls are delivered in call
   * order.
   */
  void changed(ConnectionState state) {
    deliveries.execute(() -> deliver(state));
  }

  private void deliver(ConnectionState state) {
    for (Consumer<ConnectionState> l : listeners) {
      try {
        l.accept(state);
      } catch (RuntimeException e) {
        log.warn("connection state listener failed", e);
      }
    }
  }
}
