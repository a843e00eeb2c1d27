package dev.typedrpc.sample.chat;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.presence.InMemoryPresence;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.replay.InMemoryReplayLog;
import dev.typedrpc.replay.ReplayLog;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * A {@link ChatStore} for one server node that keeps its rooms across restarts: every event is
 * written to an embedded SQLite database ({@code chat.db} in the data directory) before it is
 * delivered, keeping the last {@code keep} events of each room (messages, arrivals and departures).
 * A restarted node answers the history from the file and continues the positions where they were,
 * so a client resuming with a position from before the restart gets what came after it (or {@code
 * DATA_LOSS} if that was trimmed).
 *
 * <p>The live events of this run are also in an {@link InMemoryReplayLog} (a window of {@code keep}
 * per room) at positions above the last one of the file ({@code offset}); a subscription from an
 * older position reads the file up to {@code offset} first. All JDBC runs on one thread of the
 * store's own ({@code chat-sqlite}), never on a transport's event loop; a call waits for it at most
 * {@link #TIMEOUT_SECONDS}. Presence is this node's ({@link InMemoryPresence}). Thread-safe.
 */
final class SqliteChatStore implements ChatStore, ReplayLog<String, RoomUpdate> {
  /** The file in the data directory. */
  static final String FILE = "chat.db";

  /** How long a call waits for the database. */
  static final long TIMEOUT_SECONDS = 10;

  private static final MessageCodec<RoomUpdate> CODEC =
      ChatServiceRpcCodecs.RoomUpdateCodec.INSTANCE;

  private volatile Thread jdbcThread;
  private final ExecutorService jdbc =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "chat-sqlite");
            t.setDaemon(true);
            jdbcThread = t;
            return t;
          });
  private final int keep;
  private final Presence presence = InMemoryPresence.create();
  private final InMemoryReplayLog<String, RoomUpdate> live;
  private Connection connection; // only on the jdbc thread
  private final long offset;
  private final FileChannel lockFile;
  private final FileLock lock;

  private SqliteChatStore(Path dir, int keep) throws IOException {
    this.keep = keep;
    this.live = InMemoryReplayLog.<String, RoomUpdate>builder().window(keep).build();
    Files.createDirectories(dir);
    // positions continue from the file's: one server at a time may use it
    this.lockFile =
        FileChannel.open(
            dir.resolve(FILE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held = null;
    try {
      held = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      // held by this process
    }
    if (held == null) {
      lockFile.close();
      jdbc.shutdownNow();
      throw new IOException(
          "another chat server keeps its history in " + dir + ": give this one another --data");
    }
    this.lock = held;
    String url = "jdbc:sqlite:" + dir.resolve(FILE).toAbsolutePath();
    try {
      this.offset = call(() -> open(url));
    } catch (RpcException e) {
      jdbc.shutdownNow();
      lockFile.close();
      throw new IOException("cannot open " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /** Opens (or creates) the store in {@code dir}, keeping the last {@code keep} events per room. */
  static SqliteChatStore open(Path dir, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 event per room, not " + keep);
    }
    return new SqliteChatStore(dir, keep);
  }

  /** Opens the database; the highest position it ever gave out. */
  private long open(String url) throws SQLException {
    connection = DriverManager.getConnection(url);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL"); // a process killed mid-write loses nothing committed
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute(
          "CREATE TABLE IF NOT EXISTS events (room TEXT NOT NULL, position INTEGER NOT NULL,"
              + " message INTEGER NOT NULL, event BLOB NOT NULL, PRIMARY KEY (room, position))"
              + " WITHOUT ROWID");
      // per room, the highest position trimmed: a subscription from before it lost events
      s.execute(
          "CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, trimmed INTEGER NOT NULL)");
      try (ResultSet r =
          s.executeQuery(
              "SELECT max(coalesce((SELECT max(position) FROM events), 0),"
                  + " coalesce((SELECT max(trimmed) FROM rooms), 0))")) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  @Override
  public ReplayLog<String, RoomUpdate> log() {
    return this;
  }

  @Override
  public RoomUpdate append(String room, LongFunction<? extends RoomUpdate> event) {
    // written while the live log holds the position: delivered only once it is in the file
    return live.append(
        room,
        p -> {
          RoomUpdate update = event.apply(offset + p);
          byte[] bytes = CODEC.toByteArray(update);
          boolean message = update.event() instanceof RoomEvent.MessagePosted;
          call(() -> insert(room, update.position(), message, bytes));
          return update;
        });
  }

  private Void insert(String room, long position, boolean message, byte[] event)
      throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO events (room, position, message, event) VALUES (?, ?, ?, ?)")) {
      s.setString(1, room);
      s.setLong(2, position);
      s.setInt(3, message ? 1 : 0);
      s.setBytes(4, event);
      s.executeUpdate();
    }
    long cutoff = 0;
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT position FROM events WHERE room = ? ORDER BY position DESC LIMIT 1 OFFSET ?")) {
      s.setString(1, room);
      s.setInt(2, keep);
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          cutoff = r.getLong(1);
        }
      }
    }
    if (cutoff > 0) {
      try (PreparedStatement s =
          connection.prepareStatement("DELETE FROM events WHERE room = ? AND position <= ?")) {
        s.setString(1, room);
        s.setLong(2, cutoff);
        s.executeUpdate();
      }
      try (PreparedStatement s =
          connection.prepareStatement(
              "INSERT INTO rooms (room, trimmed) VALUES (?, ?) ON CONFLICT (room)"
                  + " DO UPDATE SET trimmed = max(trimmed, excluded.trimmed)")) {
        s.setString(1, room);
        s.setLong(2, cutoff);
        s.executeUpdate();
      }
    }
    return null;
  }

  @Override
  public long position(String room) {
    return offset + live.position(room);
  }

  @Override
  public Flow.Publisher<RoomUpdate> subscribe(String room, OptionalLong after) {
    if (after.isEmpty()) {
      return live.subscribe(room, after);
    }
    long from = after.getAsLong();
    if (from >= offset) {
      return live.subscribe(room, OptionalLong.of(from - offset));
    }
    // from before this run: the file up to offset, then this run's events
    return new ThenLive<>(
        () -> async(() -> before(room, from)), () -> live.subscribe(room, OptionalLong.of(0)));
  }

  /** The events of {@code room} after {@code from} up to {@code offset}, from the file. */
  private List<RoomUpdate> before(String room, long from) throws SQLException, IOException {
    try (PreparedStatement s =
        connection.prepareStatement("SELECT trimmed FROM rooms WHERE room = ?")) {
      s.setString(1, room);
      try (ResultSet r = s.executeQuery()) {
        if (r.next() && r.getLong(1) > from) {
          throw Status.DATA_LOSS
              .withDescription(
                  "events after position "
                      + from
                      + " up to "
                      + r.getLong(1)
                      + " of "
                      + room
                      + " are no longer kept (each room keeps its last "
                      + keep
                      + "): subscribe again without a position to get the live events")
              .asException();
        }
      }
    }
    List<RoomUpdate> events = new ArrayList<>();
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT event FROM events WHERE room = ? AND position > ? AND position <= ?"
                + " ORDER BY position")) {
      s.setString(1, room);
      s.setLong(2, from);
      s.setLong(3, offset);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          events.add(decode(r.getBytes(1)));
        }
      }
    }
    return events;
  }

  @Override
  public List<ChatMessage> history(String room, long upTo, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return call(
        () -> {
          List<ChatMessage> messages = new ArrayList<>();
          try (PreparedStatement s =
              connection.prepareStatement(
                  "SELECT event FROM events WHERE room = ? AND message = 1 AND position <= ?"
                      + " ORDER BY position DESC LIMIT ?")) {
            s.setString(1, room);
            s.setLong(2, upTo);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                if (decode(r.getBytes(1)).event() instanceof RoomEvent.MessagePosted posted) {
                  messages.add(posted.message());
                }
              }
            }
          }
          Collections.reverse(messages);
          return List.copyOf(messages);
        });
  }

  private static RoomUpdate decode(byte[] bytes) throws IOException {
    return CODEC.decode(CodedInputStream.newInstance(bytes), 0);
  }

  @Override
  public Presence presence() {
    return presence;
  }

  /** Runs {@code task} on the JDBC thread. */
  private <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> done = new CompletableFuture<>();
    try {
      jdbc.execute(
          () -> {
            try {
              done.complete(task.call());
            } catch (RpcException e) {
              done.completeExceptionally(e);
            } catch (Exception e) {
              done.completeExceptionally(failed(e));
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(
          Status.UNAVAILABLE.withDescription("the chat's database is closed").asException());
    }
    return done;
  }

  /** Runs {@code task} on the JDBC thread and waits for it. */
  private <T> T call(Callable<T> task) {
    if (Thread.currentThread() == jdbcThread) {
      throw new IllegalStateException("the JDBC thread would wait for itself");
    }
    try {
      return async(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RpcException r ? r : failed(e.getCause());
    } catch (TimeoutException e) {
      throw Status.UNAVAILABLE
          .withDescription("the chat's database did not answer within " + TIMEOUT_SECONDS + " s")
          .asException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asException();
    }
  }

  private static RpcException failed(Throwable cause) {
    return Status.UNAVAILABLE
        .withDescription("the chat's database failed: " + cause)
        .withCause(cause)
        .asException();
  }

  @Override
  public void close() {
    presence.close();
    var unused = async(this::closeConnection);
    jdbc.shutdown();
    try {
      jdbc.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      // the process is ending; the lock goes with it
    }
  }

  private Void closeConnection() throws SQLException {
    if (connection != null) {
      connection.close();
    }
    return null;
  }
}
