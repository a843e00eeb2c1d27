package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Idempotent;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.annotations.Since;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

@RpcService(name = "example.chat.ChatService", version = 2)
@Reserved(names = {"oldMethod"})
@RolesAllowed("member")
public interface ChatService {
  void postMessage(String room, @Field(5) String text, List<String> tags);

  @PermitAll
  @Idempotent(sideEffects = false)
  Post get(PostId id);

  @Idempotent(sideEffects = false)
  CompletableFuture<Post> fetch(PostId id);

  CompletionStage<Integer> count(String room);

  /** Use {@link #count} instead. */
  @Deprecated
  @Idempotent(sideEffects = false)
  long ping();

  @RolesAllowed({"moderator", "admin"})
  @Idempotent
  CompletableFuture<Void> clear();

  Flow.Publisher<Event> watch(String room);

  @DenyAll
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
