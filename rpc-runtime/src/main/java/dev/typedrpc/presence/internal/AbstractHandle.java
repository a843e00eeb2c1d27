package dev.typedrpc.presence.internal;

import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.PresenceHandle;
import dev.typedrpc.presence.PresenceState;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * What every presence's handle shares: its member, whether it is still active, its last heartbeat.
 * Updates and the close run under the handle's lock, so a store sees them in the order they were
 * made.
 */
public abstract class AbstractHandle implements PresenceHandle {
  private final String topic;
  private final boolean callTied;
  private volatile Member member;
  private volatile boolean active = true;
  private volatile long lastHeartbeat = System.nanoTime();

  protected AbstractHandle(String topic, Member member, boolean callTied) {
    this.topic = topic;
    this.member = member;
    this.callTied = callTied;
  }

  /** Tells the store about {@code member}'s new state; runs under this handle's lock. */
  protected abstract void onUpdate(Member member);

  /** Tells the store that {@code member} left; runs under this handle's lock, once. */
  protected abstract void onClose(Member member);

  @Override
  public final String topic() {
    return topic;
  }

  @Override
  public final Member member() {
    return member;
  }

  @Override
  public final boolean isActive() {
    return active;
  }

  /** Whether the member lives as long as a call rather than by heartbeats. */
  public final boolean isCallTied() {
    return callTied;
  }

  /** Whether a handle that is not tied to a call missed its heartbeats for {@code ttlNanos}. */
  public final boolean isExpired(long nowNanos, long ttlNanos) {
    return !callTied && nowNanos - lastHeartbeat > ttlNanos;
  }

  /** Another handle took the member over: this one goes inactive without a leave. */
  public final void supersede() {
    active = false;
  }

  @Override
  public final void update(PresenceState state) {
    Objects.requireNonNull(state, "state");
    synchronized (this) {
      if (active) {
        member = member.withState(state);
        onUpdate(member);
      }
    }
  }

  @Override
  public final void update(PresenceState state, Map<String, String> attributes) {
    Member next = new Member(member.id(), state, attributes);
    synchronized (this) {
      if (active) {
        member = next;
        onUpdate(next);
      }
    }
  }

  @Override
  public final void heartbeat() {
    lastHeartbeat = System.nanoTime();
  }

  @Override
  public final <T> Flow.Publisher<T> closeWhenDone(Flow.Publisher<T> responses) {
    return new ClosingPublisher<>(Objects.requireNonNull(responses, "responses"), this::close);
  }

  @Override
  public final void close() {
    synchronized (this) {
      if (!active) {
        return;
      }
      active = false;
      onClose(member);
    }
  }

  @Override
  public String toString() {
    return "PresenceHandle[" + topic + ", " + member.id() + (active ? "]" : ", inactive]");
  }
}
