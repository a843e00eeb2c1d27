package dev.typedrpc.bench.fanout;

import dev.typedrpc.annotations.Resumable;
import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The fan-out benchmark's service, served by every node. */
@RpcService(name = "typedrpc.bench.fanout.FanoutService")
public interface FanoutService {
  /**
   * Hands the post to its source (every node's subscribers of its topic receive it); completes with
   * the event's position once the source has taken it.
   */
  CompletableFuture<Long> post(Post post);

  /** A plain server-streaming subscription: what is broadcast on {@code topic} from now on. */
  Flow.Publisher<FeedEvent> follow(String topic);

  /**
   * A resumable subscription to the replay log {@code log} ({@code memory} or {@code redis}) under
   * {@code topic}: from now on, or after the position the call resumes from.
   */
  @Resumable
  Flow.Publisher<FeedEvent> resume(String log, String topic);
}
