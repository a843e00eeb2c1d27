package dev.typedrpc.sample.chat;

import dev.typedrpc.Publishers;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.replay.ReplayLog;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat's server implementation. A user acts under the name of the call's {@link Principal}: the
 * {@code user} of {@code join}, {@code leave}, {@code subscribe} and a {@code Post} must be the
 * caller's own name ({@code PERMISSION_DENIED} otherwise), and a call without a principal fails
 * with {@code UNAUTHENTICATED}, so it is served behind an authentication interceptor (as {@link
 * ChatMain} does). Room events live in the {@link ChatStore}'s {@link ReplayLog}, from which
 * subscriptions resume: in memory by default (a restarted server starts a new log, so a client
 * resuming from the old one gets {@code DATA_LOSS}), in a database file, or in Redis shared by
 * several servers. Thread-safe.
 */
public final class ChatServer implements ChatService {
  static final int MAX_TEXT = 4000;
  static final int MAX_USER = 32;

  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  private final ChatStore store;
  private final ReplayLog<String, RoomUpdate> log;
  private final RoomPresence presence;
  private final Clock clock;

  public ChatServer() {
    this(Clock.systemUTC());
  }

  public ChatServer(Clock clock) {
    this(clock, new MemoryChatStore(Room.HISTORY));
  }

  /** A server keeping its rooms in {@code store} (which the caller closes after the server). */
  ChatServer(Clock clock, ChatStore store) {
    this.clock = clock;
    this.store = store;
    this.log = store.log();
    this.presence = new RoomPresence(store.presence());
  }

  private Room room(String name) {
    if (name == null || name.isBlank() || name.length() > 64) {
      throw Status.INVALID_ARGUMENT
          .withDescription("room names are 1 to 64 characters")
          .asException();
    }
    return rooms.computeIfAbsent(name, n -> new Room(n, clock, store));
  }

  static String checkUser(String user) {
    if (user == null || user.isBlank() || user.length() > MAX_USER) {
      throw Status.INVALID_ARGUMENT
          .withDescription("user names are 1 to " + MAX_USER + " characters")
          .asException();
    }
    return user;
  }

  /** {@code user}, if it is the name of the call's principal. */
  private static String caller(String user) {
    checkUser(user);
    Principal principal = Principal.current();
    if (principal.isAnonymous()) {
      throw Status.UNAUTHENTICATED
          .withDescription("the chat needs a signed-in user: send a token")
          .asException();
    }
    if (!principal.name().equals(user)) {
      throw Status.PERMISSION_DENIED
          .withDescription("signed in as " + principal.name() + ", not as " + user)
          .asException();
    }
    return user;
  }

  /** Whether {@code user} is in any room now. */
  boolean isOnline(String user) {
    for (Room room : rooms.values()) {
      if (room.has(user)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Welcome join(String room, String user) {
    return room(room).join(caller(user));
  }

  @Override
  public void leave(String room, String user) {
    room(room).leave(caller(user));
  }

  @Override
  public Posted post(Post post) {
    if (post.text().isEmpty() || post.text().length() > MAX_TEXT) {
      throw Status.INVALID_ARGUMENT
          .withDescription("messages are 1 to " + MAX_TEXT + " characters")
          .asException();
    }
    caller(post.user());
    Room room = room(post.room());
    if (!room.has(post.user())) {
      throw Status.FAILED_PRECONDITION
          .withDescription(post.user() + " is not in room " + post.room() + ": join it first")
          .asException();
    }
    return room.post(post.user(), post.text());
  }

  @Override
  public CompletableFuture<List<ChatMessage>> history(String room, int limit) {
    return CompletableFuture.completedFuture(room(room).history(limit));
  }

  @Override
  public List<String> members(String room) {
    return room(room).members();
  }

  @Override
  public Flow.Publisher<RoomUpdate> subscribe(String roomName, String user) {
    caller(user);
    Room room = room(roomName);
    Flow.Publisher<RoomUpdate> updates = log.subscribe(roomName, ResumePosition.current());
    return subscriber -> {
      room.feedOpened(user);
      updates.subscribe(new FeedEnd<>(subscriber, () -> room.feedClosed(user)));
    };
  }

  @Override
  public Flow.Publisher<PresenceUpdate> presence(String roomName, String user) {
    caller(user);
    room(roomName); // checks the name
    return presence.watch(roomName, user);
  }

  @Override
  public void setActivity(String roomName, String user, Activity activity) {
    caller(user);
    room(roomName);
    if (activity == null) {
      throw Status.INVALID_ARGUMENT.withDescription("an activity is required").asException();
    }
    presence.set(roomName, user, activity);
  }

  @Override
  public Flow.Publisher<Pong> ping(Flow.Publisher<Ping> pings) {
    AtomicLong received = new AtomicLong();
    return Publishers.map(pings, p -> new Pong(p.sequence(), received.incrementAndGet()));
  }
}
