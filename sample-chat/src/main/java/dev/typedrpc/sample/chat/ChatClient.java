package dev.typedrpc.sample.chat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.auth.CallCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The terminal client: joins a room, prints its events as they arrive, and posts each line typed.
 * Commands: {@code /members}, {@code /history}, {@code /quit}. Every chat call carries the user's
 * token ({@link CallCredentials}); without one the client first {@linkplain SignInService signs in}
 * for it, which a server in dev mode answers.
 */
public final class ChatClient implements AutoCloseable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final RpcChannel channel;
  private final CallOptions options;
  private final ChatService chat;
  private final String room;
  private final String user;
  private final PrintStream out;
  private final EventPrinter events = new EventPrinter();
  private volatile String token;
  private volatile boolean joined;

  /** A client that signs in for a token (a server in dev mode gives one). */
  public ChatClient(URI server, String room, String user, PrintStream out) {
    this(server, room, user, null, out);
  }

  /** A client using {@code token}, or signing in for one if it is null. */
  public ChatClient(URI server, String room, String user, String token, PrintStream out) {
    this.channel = RpcChannel.connect(server);
    this.options = CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> this.token));
    this.chat = channel.stub(ChatService.class, options);
    this.room = room;
    this.user = user;
    this.token = token;
    this.out = out;
  }

  /**
   * Signs in if needed, joins, subscribes, then posts lines from {@code in} until {@code /quit} or
   * end of input. Returns false, having said why, if it could not join.
   */
  public boolean run(BufferedReader in) throws IOException, InterruptedException {
    Welcome welcome;
    try {
      if (token == null) {
        token = channel.stub(SignInService.class).signIn(user);
      }
      welcome = chat.join(room, user);
    } catch (RpcException e) {
      out.println("! could not join #" + room + " as " + user + ": " + explain(e.status()));
      return false;
    }
    joined = true;
    out.println(
        "Joined #" + room + " as " + user + ". Members: " + String.join(", ", welcome.members()));
    welcome.recent().forEach(this::print);
    // from the position the welcome was taken at: what happened since reaches us, however late
    // the subscription gets to the server, and a lost connection resumes where it was
    channel
        .stub(ChatService.class, options.withResumeAfter(welcome.position()))
        .subscribe(room, user)
        .subscribe(events);
    out.println("Type a message and press Enter. Commands: /members /history /quit");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!handle(line.strip())) {
        break;
      }
    }
    return true;
  }

  /** The status, and for the refusals a user can fix, how. */
  private static String explain(Status status) {
    String description = status.description() == null ? "" : status.description();
    String hint =
        switch (status.code()) {
          case UNAUTHENTICATED ->
              description.startsWith("credentials are not sent over cleartext")
                  ? " (to chat across machines, serve with --tls-cert and --tls-key and connect"
                      + " to wss://)"
                  : " (the server did not accept the token: check --token)";
          case PERMISSION_DENIED -> " (the token belongs to another user: check --name)";
          case UNAVAILABLE -> " (is the server running? ./chat server)";
          default -> "";
        };
    return status + hint;
  }

  /** Handles one typed line; returns false to stop. */
  private boolean handle(String line) {
    try {
      switch (line) {
        case "" -> {}
        case "/quit" -> {
          return false;
        }
        case "/members" ->
            out.println("Members of #" + room + ": " + String.join(", ", chat.members(room)));
        case "/history" -> chat.history(room, 20).join().forEach(this::print);
        default -> chat.post(new Post(room, user, line));
      }
    } catch (RpcException e) {
      out.println("! " + e.status());
    } catch (java.util.concurrent.CompletionException e) {
      out.println("! " + e.getCause());
    }
    return true;
  }

  private void print(ChatMessage m) {
    out.println("[" + TIME.format(m.at()) + "] " + m.user() + ": " + m.text());
  }

  private void print(RoomEvent event) {
    if (event instanceof RoomEvent.MessagePosted posted) {
      print(posted.message());
    } else if (event instanceof RoomEvent.MemberJoined joined) {
      out.println("* " + joined.user() + " joined #" + joined.room());
    } else if (event instanceof RoomEvent.MemberLeft left) {
      out.println("* " + left.user() + " left #" + left.room());
    }
  }

  /**
   * Prints room events, asking for a few at a time; our own arrivals and departures are not news (a
   * lost connection makes us leave and come back).
   */
  private final class EventPrinter implements Flow.Subscriber<RoomUpdate> {
    private static final int BATCH = 16;
    private volatile Flow.Subscription subscription;
    private int left;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      left = BATCH;
      s.request(BATCH);
    }

    @Override
    public void onNext(RoomUpdate update) {
      RoomEvent event = update.event();
      boolean own =
          (event instanceof RoomEvent.MemberJoined j && j.user().equals(user))
              || (event instanceof RoomEvent.MemberLeft l && l.user().equals(user));
      if (!own) {
        print(event);
      }
      if (--left == 0) {
        left = BATCH;
        subscription.request(BATCH);
      }
    }

    @Override
    public void onError(Throwable t) {
      out.println("! the room feed ended: " + (t instanceof RpcException e ? e.status() : t));
    }

    @Override
    public void onComplete() {
      out.println("* the room feed ended");
    }

    void cancel() {
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  /** Leaves the room and closes the connection. */
  @Override
  public void close() {
    events.cancel();
    if (joined) {
      try {
        chat.leave(room, user);
      } catch (RpcException e) {
        // the server may be gone already; leaving is best effort
      }
    }
    channel.close();
  }

  /** For tests: members as the server sees them. */
  List<String> members() {
    return chat.members(room);
  }
}
