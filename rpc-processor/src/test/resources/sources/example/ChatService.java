package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.annotations.Since;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

@RpcService(name = "example.chat.ChatService", version = 2)
@Reserved(names = {"oldMethod"})
public interface ChatService {
  void postMessage(String room, @Field(5) String text, List<String> tags);

  Post get(PostId id);

  CompletableFuture<Post> fetch(PostId id);

  CompletionStage<Integer> count(String room);

  /** Use {@link #count} instead. */
  @Deprecated
  long ping();

  CompletableFuture<Void> clear();

  Flow.Publisher<Event> watch(String room);

  CompletableFuture<Summary> upload(Flow.Publisher<Post> posts);

  Flow.Publisher<String> chat(Flow.Publisher<String> lines);

  @Since(2)
  Shape mirror(Shape shape);

  default String describe() {
    return "chat";
  }

  static String name() {
    return "chat";
  }
}
