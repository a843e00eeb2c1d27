package dev.typedrpc.presence;

import dev.typedrpc.RpcContext;
import java.util.concurrent.Flow;

/**
 * Who is in which topic. Members join through a {@link PresenceHandle}; watchers get a {@link
 * PresenceEvent} stream a server-streaming method can return as it is. Bounded by its {@link
 * PresenceOptions}: joining a topic that is full, or a new topic beyond the limit, fails with
 * {@code RESOURCE_EXHAUSTED}, and so does a watcher beyond the limit (as the stream's error). A
 * watcher that does not keep up is never buffered without bound: once its backlog passes {@link
 * PresenceOptions#watcherBuffer()} events, the backlog is replaced by one {@code SNAPSHOT}.
 * Thread-safe. See {@code docs/PRESENCE.md}.
 */
public interface Presence extends AutoCloseable {
  /**
   * {@code member} joins {@code topic} for as long as {@code call} lives: it leaves when the call
   * is cancelled (by the client, its deadline, or a connection lost, keep-alive included) or when
   * the handle is closed. A call that ends normally does not cancel: close the handle then, or use
   * {@link PresenceHandle#closeWhenDone}.
   *
   * @throws dev.typedrpc.RpcException {@code RESOURCE_EXHAUSTED} if the topic is full, {@code
   *     UNAVAILABLE} if a shared store cannot be reached
   * @throws IllegalArgumentException for a topic that is empty, longer than 256 characters, or
   *     holds a control character or a brace
   */
  PresenceHandle join(String topic, Member member, RpcContext call);

  /**
   * {@code member} joins {@code topic} until the handle is closed or stops {@linkplain
   * PresenceHandle#heartbeat() heartbeating} for {@link PresenceOptions#ttl()}.
   */
  PresenceHandle join(String topic, Member member);

  /**
   * The events of {@code topic}: a {@code SNAPSHOT} of its members, then every {@code JOIN}, {@code
   * UPDATE} and {@code LEAVE}, until cancelled or this presence is closed (which completes it).
   */
  Flow.Publisher<PresenceEvent> watch(String topic);

  /** Stops: members joined here leave, watchers complete. */
  @Override
  void close();
}
