package dev.typedrpc;

import dev.typedrpc.stub.GeneratedStub;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Per-call options without a new channel or stub: each method returns a view of a generated stub —
 * same interface, same channel — whose calls use changed {@link CallOptions}. The stub itself is
 * unchanged, so views are safe to make per call, from any thread, while other calls (blocking or
 * asynchronous) run on the original. Making a view allocates one small object.
 *
 * <pre>{@code
 * ChatService chat = channel.stub(ChatService.class);
 * Posted p = RpcStubs.withDeadlineAfter(chat, Duration.ofSeconds(2)).post(post);
 * ResponseMetadata response = new ResponseMetadata();
 * RpcStubs.withOptions(chat, o -> o.withMetadata(Metadata.of("x-trace", id)).withResponseMetadata(response))
 *     .history("lobby", 50);
 * }</pre>
 */
public final class RpcStubs {
  private RpcStubs() {}

  /** A view of {@code stub} whose calls use {@code change} applied to the stub's options. */
  @SuppressWarnings("unchecked") // a generated stub of S makes stubs of S
  public static <S> S withOptions(S stub, UnaryOperator<CallOptions> change) {
    GeneratedStub<?> generated = generated(stub);
    CallOptions options =
        Objects.requireNonNull(change.apply(generated.rpcCallOptions()), "changed options");
    return (S) generated.rpcWithCallOptions(options);
  }

  /** A view whose calls must finish within {@code timeout} of their start. */
  public static <S> S withDeadlineAfter(S stub, Duration timeout) {
    return withOptions(stub, o -> o.withTimeout(timeout));
  }

  /** A view whose calls must finish by {@code deadline}. */
  public static <S> S withDeadline(S stub, Deadline deadline) {
    return withOptions(stub, o -> o.withDeadline(deadline));
  }

  /**
   * A view whose calls also send {@code metadata} (merged with the stub's, see {@link
   * CallOptions#withMetadata}).
   */
  public static <S> S withMetadata(S stub, Metadata metadata) {
    return withOptions(stub, o -> o.withMetadata(metadata));
  }

  /** A view whose calls compress their requests (see {@link CallOptions#withCompression}). */
  public static <S> S withCompression(S stub, String name) {
    return withOptions(stub, o -> o.withCompression(name));
  }

  /**
   * A view whose calls wait for the channel to be ready (see {@link CallOptions#withWaitForReady}).
   */
  public static <S> S withWaitForReady(S stub) {
    return withOptions(stub, CallOptions::withWaitForReady);
  }

  /** A view whose calls fill {@code capture} with their response headers, trailers and status. */
  public static <S> S withResponseMetadata(S stub, ResponseMetadata capture) {
    return withOptions(stub, o -> o.withResponseMetadata(capture));
  }

  /** The options the calls of {@code stub} use. */
  public static CallOptions callOptions(Object stub) {
    return generated(stub).rpcCallOptions();
  }

  private static GeneratedStub<?> generated(Object stub) {
    Objects.requireNonNull(stub, "stub");
    if (stub instanceof GeneratedStub<?> g) {
      return g;
    }
    throw new IllegalArgumentException(
        stub.getClass().getName()
            + " is not a generated client stub: pass one made by RpcChannel.stub(...) or <Service>Rpc.newStub(...)"
            + " (stubs generated before typedrpc had RpcStubs need a rebuild)");
  }
}
