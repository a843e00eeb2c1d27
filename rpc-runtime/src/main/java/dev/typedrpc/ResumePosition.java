package dev.typedrpc;

import java.util.OptionalLong;

/**
 * The position a {@code @Resumable} stream resumes after, as its call carries it: the request
 * header {@value #METADATA_KEY}, a decimal {@code long}, the same on every transport. The client
 * sends it when it subscribes again after a lost connection (the last position it delivered), or
 * when the caller asks for a starting point ({@link CallOptions#withResumeAfter}); a server
 * implementation reads it with {@link #current()} and replays what came after it (see {@code
 * dev.typedrpc.replay.ReplayLog} and {@code docs/SCALING.md}). If a call carries the key more than
 * once, the last value counts.
 */
public final class ResumePosition {
  private ResumePosition() {}

  /** The request header that carries the position: {@value}. */
  public static final String METADATA_KEY = "typedrpc-resume-after";

  /**
   * The position the call being served on this thread resumes after; empty if it carries none (a
   * first subscription: start with what comes next).
   *
   * @throws IllegalStateException if no call is being served on this thread
   * @throws RpcException {@code INVALID_ARGUMENT} if the header is not a decimal {@code long}
   */
  public static OptionalLong current() {
    RpcContext context = RpcContext.currentOrNull();
    if (context == null) {
      throw new IllegalStateException(
          "ResumePosition.current() is called while serving a call, on the thread that runs it");
    }
    return of(context.headers());
  }

  /**
   * The position in {@code headers}; empty if there is none.
   *
   * @throws RpcException {@code INVALID_ARGUMENT} if the header is not a decimal {@code long}
   */
  public static OptionalLong of(Metadata headers) {
    String value = headers.get(METADATA_KEY);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(METADATA_KEY + " must be a decimal long, got '" + value + "'")
          .asException();
    }
  }
}
