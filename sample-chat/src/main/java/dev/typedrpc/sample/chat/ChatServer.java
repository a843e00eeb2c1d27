package dev.typedrpc.sample.chat;

import dev.typedrpc.Status;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/** The chat's server implementation. Thread-safe. */
public final class ChatServer implements ChatService {
  static final int MAX_TEXT = 4000;

  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  private final Clock clock;

  public ChatServer() {
    this(Clock.systemUTC());
  }

  public ChatServer(Clock clock) {
    this.clock = clock;
  }

  private Room room(String name) {
    if (name == null || name.isBlank() || name.length() > 64) {
      throw Status.INVALID_ARGUMENT
          .withDescription("room names are 1 to 64 characters")
          .asException();
    }
    return rooms.computeIfAbsent(name, n -> new Room(n, clock));
  }

  private static String checkUser(String user) {
    if (user == null || user.isBlank() || user.length() > 32) {
      throw Status.INVALID_ARGUMENT
          .withDescription("user names are 1 to 32 characters")
          .asException();
    }
    return user;
  }

  @Override
  public Welcome join(String room, String user) {
    return room(room).join(checkUser(user));
  }

  @Override
  public void leave(String room, String user) {
    room(room).leave(checkUser(user));
  }

  @Override
  public Posted post(Post post) {
    if (post.text().isEmpty() || post.text().length() > MAX_TEXT) {
      throw Status.INVALID_ARGUMENT
          .withDescription("messages are 1 to " + MAX_TEXT + " characters")
          .asException();
    }
    Room room = room(post.room());
    if (!room.members().contains(post.user())) {
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
  public Flow.Publisher<RoomEvent> subscribe(String roomName, String user) {
    Room room = room(roomName);
    checkUser(user);
    return subscriber -> {
      RoomSubscription[] holder = new RoomSubscription[1];
      holder[0] =
          new RoomSubscription(
              subscriber,
              () -> {
                room.remove(holder[0]);
                room.leave(user);
              });
      room.add(holder[0]);
      // the feed opens with the subscriber's own arrival, queued once it is registered: whoever
      // sees it knows every later event of the room reaches it
      holder[0].offer(new RoomEvent.MemberJoined(roomName, user, clock.instant()));
      subscriber.onSubscribe(holder[0]);
    };
  }
}
