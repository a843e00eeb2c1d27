package dev.typedrpc.sample.chat;

import static dev.typedrpc.sample.chat.ChatCluster.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single chat server without Redis keeps its history in SQLite ({@code --data}): killed with
 * {@code kill -9} and started again on the same directory, it still shows the history, continues
 * the positions, serves a subscription resumed from before the restart, and keeps only the last
 * {@code --keep} events of a room.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatHistoryRestartTest {
  @TempDir Path dir;
  private ChatCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<RoomUpdate> first(RpcChannel channel, String room, long after, int n) {
    ChatService feed =
        channel.stub(ChatService.class, ChatCluster.as("bob").withResumeAfter(after));
    try (Stream<RoomUpdate> updates = Publishers.toStream(feed.subscribe(room, "bob"))) {
      return updates.limit(n).toList();
    }
  }

  @Test
  void aRestartedNodeShowsItsHistoryAndResumesFromBeforeTheRestart() throws Exception {
    Path data = dir.resolve("data");
    cluster = new ChatCluster(dir);
    ChatProcess first = cluster.startOne("--data", data.toString(), "--keep", "5");
    RpcChannel before = cluster.channel(first.target());
    String room = "kept";
    Welcome welcome = chat(before, "ana").join(room, "ana"); // an event: ana joined
    long posted = 0;
    for (int i = 1; i <= 6; i++) {
      posted = chat(before, "ana").post(new Post(room, "ana", "message " + i)).sequence();
    }
    // the last 5 events of the room: messages 2 to 6
    assertThat(chat(before, "ana").history(room, 20).join())
        .extracting(ChatMessage::text)
        .containsExactly("message 2", "message 3", "message 4", "message 5", "message 6");
    long beforeLast = posted - 1;
    first.kill(); // kill -9: nothing is flushed on the way out
    assertThat(Files.exists(data.resolve(SqliteChatStore.FILE))).isTrue();

    ChatProcess second = cluster.startOne("--data", data.toString(), "--keep", "5");
    RpcChannel after = cluster.channel(second.target());
    Welcome bobWelcome = chat(after, "bob").join(room, "bob");
    // bob's arrival is an event too: the room keeps messages 3 to 6 and it
    assertThat(bobWelcome.recent())
        .extracting(ChatMessage::text)
        .containsExactly("message 3", "message 4", "message 5", "message 6");
    assertThat(bobWelcome.position()).isGreaterThanOrEqualTo(posted);
    Posted next = chat(after, "bob").post(new Post(room, "bob", "after the restart"));
    assertThat(next.sequence()).isGreaterThan(posted);

    // a subscription resumed from before the restart: message 6 from the file, then this run's
    List<RoomUpdate> resumed = first(after, room, beforeLast, 3);
    assertThat(resumed)
        .extracting(u -> u.event().getClass().getSimpleName())
        .containsExactly("MessagePosted", "MemberJoined", "MessagePosted");
    assertThat(((RoomEvent.MessagePosted) resumed.get(0).event()).message().text())
        .isEqualTo("message 6");
    assertThat(((RoomEvent.MessagePosted) resumed.get(2).event()).message().text())
        .isEqualTo("after the restart");
    assertThat(resumed).extracting(RoomUpdate::position).isSorted();

    // from before what the room keeps: DATA_LOSS naming the range
    assertThat(welcome.position()).isLessThan(posted);
    try {
      first(after, room, welcome.position(), 1);
      throw new AssertionError("a resumption from a trimmed position succeeded");
    } catch (RpcException e) {
      assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS);
      assertThat(e.status().description()).contains("no longer kept");
    }
    System.out.println(
        "sqlite: history of 5 events per room kept across kill -9; positions "
            + posted
            + " before, "
            + next.sequence()
            + " after the restart; "
            + second
                .output()
                .lines()
                .filter(l -> l.startsWith("History kept"))
                .findFirst()
                .orElse(""));
  }
}
