package dev.typedrpc.replay;

import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;

/**
 * A log of events under keys (a chat room, a document, a user's feed), each at a position that
 * increases with every event appended under its key, of which the log keeps a bounded window. A
 * subscriber starts after a position: it gets what the window holds after it, then the events
 * appended later, as fast as it asks for them. This is what a {@code @Resumable} method serves:
 *
 * <pre>{@code
 * public Flow.Publisher<RoomUpdate> subscribe(String room) {
 *   return log.subscribe(room, ResumePosition.current());
 * }
 * }</pre>
 *
 * <p>A subscription fails with {@code DATA_LOSS}, naming the missing positions, if the events after
 * its position have left the window (it started from too old a position, or it fell that far behind
 * while reading); the log never buffers more for a slow subscriber than its window. How big the
 * window is and how many keys are kept is the implementation's (see {@link InMemoryReplayLog}).
 * Implementations are thread-safe.
 *
 * @param <K> the key type (its {@code equals} and {@code hashCode} identify a key)
 * @param <E> the event type
 */
public interface ReplayLog<K, E> {
  /**
   * Appends an event under {@code key}: the log gives it the next position, {@code event} makes it
   * with that position (e.g. {@code p -> new RoomUpdate(p, what)}), and the event reaches the key's
   * subscribers. Returns the event.
   *
   * @throws dev.typedrpc.RpcException {@code RESOURCE_EXHAUSTED} if the log keeps as many keys as
   *     it may and cannot let one go (an implementation's bound)
   */
  E append(K key, LongFunction<? extends E> event);

  /**
   * The position of the last event appended under {@code key}, so far as the log knows: a
   * subscription after it starts with the next event. A caller hands it out (for example in the
   * answer to a {@code join}) so that a later subscription misses nothing in between.
   */
  long position(K key);

  /**
   * The events under {@code key} after position {@code after}, then the live ones; without a
   * position, the live ones only (those appended after this call). Cold: each subscriber gets its
   * own subscription. Fails with {@code DATA_LOSS} if the events after {@code after} are no longer
   * all in the window, or if {@code after} is ahead of every position the log gave out (the log was
   * reset); never completes on its own.
   */
  Flow.Publisher<E> subscribe(K key, OptionalLong after);
}
