package dev.typedrpc.presence;

import java.util.Map;
import java.util.concurrent.Flow;

/**
 * One member's place in a topic, held by whoever joined it. Its member leaves when the handle is
 * {@linkplain #close() closed}, when the call it was tied to is cancelled (the client cancelled,
 * its deadline passed, its connection died), or, for a handle not tied to a call, when it has not
 * been {@linkplain #heartbeat() heartbeated} for the presence's TTL. A later join of the same
 * member id in the topic takes the member over: this handle is then superseded, and its updates and
 * close do nothing. Thread-safe.
 */
public interface PresenceHandle extends AutoCloseable {
  String topic();

  /** The member as this handle last set it. */
  Member member();

  /** Whether the member is still this handle's: false once closed, expired or superseded. */
  boolean isActive();

  /** Sets the member's state; watchers see an {@code UPDATE}. Does nothing once inactive. */
  void update(PresenceState state);

  /** Sets the member's state and attributes; watchers see an {@code UPDATE}. */
  void update(PresenceState state, Map<String, String> attributes);

  /** Keeps a handle that is not tied to a call alive for another TTL. */
  void heartbeat();

  /**
   * {@code responses}, closing this handle when they end (completed, failed or cancelled): for a
   * streaming method whose member should leave when its response stream ends, whether or not the
   * call was cancelled.
   */
  <T> Flow.Publisher<T> closeWhenDone(Flow.Publisher<T> responses);

  /** The member leaves; watchers see a {@code LEAVE}. Idempotent. */
  @Override
  void close();
}
