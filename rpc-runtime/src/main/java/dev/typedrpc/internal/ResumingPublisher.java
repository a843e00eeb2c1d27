package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * The responses of a {@code @Resumable} server-streaming method: each subscription makes a call
 * and, when it fails with a retriable status, makes another that resumes after the last position
 * delivered ({@link ResumingSubscription}). Cold, like every response publisher of a stub. Not API.
 */
public final class ResumingPublisher<Req, Resp> implements Flow.Publisher<Resp> {
  private final RpcChannel channel;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  private final Metadata headers;
  private final Req request;
  private final int size;

  /**
   * A publisher of {@code method}'s responses to {@code request}, whose encoded size is {@code
   * size}; {@code headers} are the request headers beyond the options' metadata.
   *
   * @throws IllegalArgumentException if {@code method} is not resumable
   */
  public ResumingPublisher(
      RpcChannel channel,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Metadata headers,
      Req request,
      int size) {
    if (method.resumePosition() == null) {
      throw new IllegalArgumentException(method + " is not resumable");
    }
    this.channel = Objects.requireNonNull(channel, "channel");
    this.method = method;
    this.options = options;
    this.headers = headers;
    this.request = request;
    this.size = size;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Resp> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // the deadline is the subscription's, not each attempt's: a timeout starts counting now
    Deadline deadline = options.effectiveDeadline();
    CallOptions fixed = deadline == null ? options : options.withDeadline(deadline);
    ConnectionBackoff backoff =
        channel instanceof ChannelImpl impl ? impl.connectionBackoff() : ConnectionBackoff.DEFAULT;
    new ResumingSubscription<>(
            channel, method, fixed, headers, request, size, subscriber, backoff, Scheduler.SYSTEM)
        .start();
  }
}
