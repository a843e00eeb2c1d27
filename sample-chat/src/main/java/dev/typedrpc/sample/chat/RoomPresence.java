package dev.typedrpc.sample.chat;

import dev.typedrpc.Publishers;
import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.presence.PresenceEvent;
import dev.typedrpc.presence.PresenceHandle;
import dev.typedrpc.presence.PresenceState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/**
 * The chat's presence: who watches each room and what they are doing, kept by the {@link
 * ChatStore}'s {@link Presence} (topic: the room; member id: the user): this node's memory, or
 * Redis for a cluster. A user is present while their {@code presence} call lasts; the handle of
 * that call is what {@link #set} updates. Thread-safe.
 */
final class RoomPresence implements AutoCloseable {
  private final Presence presence;
  // one per user and room with a presence call open: bounded by the calls the server admits
  private final ConcurrentHashMap<String, PresenceHandle> handles = new ConcurrentHashMap<>();

  RoomPresence(Presence presence) {
    this.presence = presence;
  }

  /** {@code user} joins {@code room} for as long as the calling RPC lasts; the room's presence. */
  Flow.Publisher<PresenceUpdate> watch(String room, String user) {
    String key = key(room, user);
    PresenceHandle handle = presence.join(room, Member.online(user), RpcContext.current());
    handles.put(key, handle);
    Flow.Publisher<PresenceUpdate> updates =
        Publishers.map(presence.watch(room), RoomPresence::update);
    Flow.Publisher<PresenceUpdate> watched = handle.closeWhenDone(updates);
    return subscriber ->
        watched.subscribe(new FeedEnd<>(subscriber, () -> handles.remove(key, handle)));
  }

  /** Sets what {@code user} is doing in {@code room}. */
  void set(String room, String user, Activity activity) {
    PresenceHandle handle = handles.get(key(room, user));
    if (handle == null || !handle.isActive()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(user + " watches no presence in room " + room + ": call presence first")
          .asException();
    }
    handle.update(PresenceState.valueOf(activity.name()));
  }

  private static String key(String room, String user) {
    return room + "\n" + user;
  }

  private static PresenceUpdate update(PresenceEvent event) {
    PresenceUpdate.Change change =
        switch (event.kind()) {
          case SNAPSHOT -> PresenceUpdate.Change.SNAPSHOT;
          case JOIN -> PresenceUpdate.Change.JOINED;
          case UPDATE -> PresenceUpdate.Change.CHANGED;
          case LEAVE -> PresenceUpdate.Change.LEFT;
        };
    List<MemberPresence> members =
        event.members().stream().map(m -> new MemberPresence(m.id(), activity(m.state()))).toList();
    return new PresenceUpdate(change, members);
  }

  private static Activity activity(PresenceState state) {
    return Activity.valueOf(state.name().toUpperCase(Locale.ROOT));
  }

  @Override
  public void close() {
    presence.close();
  }
}
