package dev.typedrpc.stub;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.internal.ChannelImpl;
import dev.typedrpc.internal.HasDemand;
import dev.typedrpc.internal.OutboundPump;
import dev.typedrpc.internal.ResumingPublisher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The entry points generated stubs call: they adapt a {@link ClientCall} to a blocking result, a
 * {@link CompletableFuture} or a {@link Flow.Publisher}. Errors surface as {@link RpcException}.
 */
public final class ClientCalls {
  private ClientCalls() {}

  /**
   * One request, one response, waiting for it. Interrupting the waiting thread cancels the call and
   * throws {@code CANCELLED} (the interrupt flag stays set).
   */
  public static <Req, Resp> Resp blockingUnary(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    int size = checkRequest(method, request);
    // completing a future is all the callbacks do, so they run where the response arrives: no
    // thread hop
    ClientCall<Req, Resp> call =
        channel instanceof ChannelImpl impl
            ? impl.newCall(method, options, ChannelImpl.TRANSPORT_THREAD)
            : channel.newCall(method, options);
    UnaryResult<Resp> result = new UnaryResult<>(call);
    startUnary(call, result, options, request, size);
    try {
      return result.get();
    } catch (InterruptedException e) {
      call.cancel("the calling thread was interrupted", e);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED
          .withDescription("interrupted while waiting for " + method.fullName())
          .asException();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** One request, one response, as a future; cancelling the future cancels the call. */
  public static <Req, Resp> CompletableFuture<Resp> futureUnary(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    int size = checkRequest(method, request);
    ClientCall<Req, Resp> call = channel.newCall(method, options);
    UnaryResult<Resp> result = new UnaryResult<>(call);
    startUnary(call, result, options, request, size);
    return result;
  }

  /**
   * One request, a stream of responses. The publisher is cold: each subscription makes one call.
   * The subscriber's {@code request(n)} is sent to the server as credit, so the server never sends
   * more than asked. A {@code @Resumable} method's stream resumes after a lost connection (see
   * {@code docs/SCALING.md}).
   */
  public static <Req, Resp> Flow.Publisher<Resp> serverStreaming(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    int size = checkRequest(method, request);
    if (method.resumePosition() != null) {
      return new ResumingPublisher<>(
          channel, method, options, requestHeaders(options), request, size);
    }
    return subscriber ->
        new ResponseSubscription<>(channel.newCall(method, options), subscriber)
            .start(options, call -> sendLast(call, request, size));
  }

  /**
   * One request, a stream of responses, consumed by a blocking loop: the call starts now, at most
   * {@link dev.typedrpc.Publishers#DEFAULT_PREFETCH} responses are requested ahead of the consumer,
   * and closing the stream (try-with-resources) cancels the call. A failed call throws {@link
   * RpcException} from the stream's terminal operation.
   */
  public static <Req, Resp> Stream<Resp> blockingServerStreaming(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    return Publishers.toStream(serverStreaming(channel, method, options, request));
  }

  /** A stream of requests (sent as the server grants credit), one response. */
  public static <Req, Resp> CompletableFuture<Resp> clientStreaming(
      RpcChannel channel,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Flow.Publisher<Req> requests) {
    ClientCall<Req, Resp> call = channel.newCall(method, options);
    UnaryResult<Resp> result = new UnaryResult<>(call);
    OutboundPump<Req> pump = new OutboundPump<>(new CallTarget<>(call));
    result.pump = pump;
    start(call, result.listener, options);
    call.request(1);
    pump.subscribeTo(requests);
    return result;
  }

  /**
   * Streams both ways; each subscription to the result makes one call and subscribes to {@code
   * requests}.
   */
  public static <Req, Resp> Flow.Publisher<Resp> bidiStreaming(
      RpcChannel channel,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Flow.Publisher<Req> requests) {
    return subscriber -> {
      ClientCall<Req, Resp> call = channel.newCall(method, options);
      ResponseSubscription<Req, Resp> subscription = new ResponseSubscription<>(call, subscriber);
      subscription.pump = new OutboundPump<>(new CallTarget<>(call));
      subscription.start(options, c -> subscription.pump.subscribeTo(requests));
    };
  }

  /**
   * Runs the request codec's size pass on the caller's thread, so that what cannot be encoded (a
   * null in a field that has no absent value, a cycle) is the caller's exception, thrown by the
   * stub before anything is sent: a {@link NullPointerException} naming the field, or an {@link
   * IllegalArgumentException}. (Stream elements are checked as they are sent: a bad one fails the
   * call.) Returns the size, which the transport then uses instead of a size pass of its own
   * ({@link #sendLast}), so that the check costs nothing.
   */
  private static <Req> int checkRequest(MethodDescriptor<Req, ?> method, Req request) {
    try {
      return method.requestCodec().encodedSize(request);
    } catch (NullPointerException e) {
      if (request == null) {
        throw new NullPointerException("the request of " + method.fullName() + " is null");
      }
      throw e;
    }
  }

  private static <Req, Resp> void startUnary(
      ClientCall<Req, Resp> call,
      UnaryResult<Resp> result,
      CallOptions options,
      Req request,
      int size) {
    start(call, result.listener, options);
    call.request(1);
    sendLast(call, request, size);
  }

  /** Sends the request with the size {@link #checkRequest} computed, where the call can take it. */
  private static <Req> void sendLast(ClientCall<Req, ?> call, Req request, int size) {
    ChannelImpl.sendLastMessage(call, request, size);
  }

  /**
   * Starts a call with the request headers its options ask for, reporting to the options' capture,
   * if any.
   */
  private static <Resp> void start(
      ClientCall<?, Resp> call, ClientCall.Listener<Resp> listener, CallOptions options) {
    ResponseMetadata capture = options.responseMetadata();
    call.start(
        capture == null ? listener : new CapturingListener<>(listener, capture),
        requestHeaders(options));
  }

  /**
   * Headers beyond the options' metadata (which the channel adds): the compression the call asks
   * for.
   */
  private static Metadata requestHeaders(CallOptions options) {
    String compression = options.compression();
    return compression == null ? Metadata.EMPTY : Metadata.of(COMPRESSION_KEY, compression);
  }

  /** The request header that carries {@link CallOptions#compression()} to the transport. */
  static final String COMPRESSION_KEY = "grpc-encoding";

  /** Tells a {@link ResponseMetadata} about the call before the caller's listener hears of it. */
  private static final class CapturingListener<Resp> extends ClientCall.Listener<Resp> {
    private final ClientCall.Listener<Resp> delegate;
    private final ResponseMetadata capture;

    CapturingListener(ClientCall.Listener<Resp> delegate, ResponseMetadata capture) {
      this.delegate = delegate;
      this.capture = capture;
    }

    @Override
    public void onHeaders(Metadata headers) {
      capture.onHeaders(headers);
      delegate.onHeaders(headers);
    }

    @Override
    public void onMessage(Resp message) {
      delegate.onMessage(message);
    }

    @Override
    public void onReady() {
      delegate.onReady();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      capture.onClose(status, trailers);
      delegate.onClose(status, trailers);
    }
  }

  /** A fresh exception with the caller's stack trace, keeping the status and trailers. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RpcException e) {
      return new RpcException(e.status(), e.trailers());
    }
    return Status.INTERNAL.withDescription("unexpected failure: " + t).withCause(t).asException();
  }

  /** Sends pumped items on a call. */
  private record CallTarget<Req>(ClientCall<Req, ?> call) implements OutboundPump.Target<Req> {
    @Override
    public long demand() {
      return call instanceof HasDemand d ? d.demand() : call.isReady() ? 1 : 0;
    }

    @Override
    public void send(Req item) {
      call.sendMessage(item);
    }

    @Override
    public void complete() {
      call.halfClose();
    }

    @Override
    public void fail(Throwable error) {
      call.cancel("the request publisher failed: " + error, error);
    }

    @Override
    public String describe() {
      return "the request publisher";
    }
  }

  /** The result of a call with one response: a future that cancels the call when cancelled. */
  private static final class UnaryResult<Resp> extends CompletableFuture<Resp> {
    private final ClientCall<?, Resp> call;
    final ClientCall.Listener<Resp> listener = new Listener();
    OutboundPump<?> pump;

    UnaryResult(ClientCall<?, Resp> call) {
      this.call = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        call.cancel("the future was cancelled", null);
        if (pump != null) {
          pump.cancel();
        }
      }
      return cancelled;
    }

    private final class Listener extends ClientCall.Listener<Resp> {
      private boolean received;
      private Resp value;

      @Override
      public void onMessage(Resp message) {
        received = true;
        value = message;
      }

      @Override
      public void onReady() {
        if (pump != null) {
          pump.onReady();
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (pump != null && !status.isOk()) {
          pump.cancel();
        }
        if (!status.isOk()) {
          completeExceptionally(status.asException(trailers));
        } else if (!received) {
          completeExceptionally(
              Status.INTERNAL
                  .withDescription("the server closed the call without a response")
                  .asException());
        } else {
          complete(value);
        }
      }
    }
  }

  /**
   * One subscriber's view of a call whose responses stream: requests become credit, responses
   * onNext.
   */
  private static final class ResponseSubscription<Req, Resp> extends ClientCall.Listener<Resp>
      implements Flow.Subscription {
    private final ClientCall<Req, Resp> call;
    private final Flow.Subscriber<? super Resp> subscriber;
    OutboundPump<Req> pump;
    private volatile boolean cancelled;
    private boolean terminated; // callback executor only

    ResponseSubscription(ClientCall<Req, Resp> call, Flow.Subscriber<? super Resp> subscriber) {
      this.call = call;
      this.subscriber = subscriber;
    }

    void start(CallOptions options, Consumer<ClientCall<Req, Resp>> afterStart) {
      ClientCalls.start(call, this, options);
      // a failure may close the call at once: onClose waits for onSubscribe (rule 1.9: onSubscribe
      // comes first)
      synchronized (this) {
        subscriber.onSubscribe(this);
      }
      afterStart.accept(call);
    }

    @Override
    public void request(long n) {
      if (cancelled) {
        return;
      }
      if (n <= 0) {
        call.cancel("subscriber requested " + n + " items", null);
        cancelled = true;
        subscriber.onError(
            new IllegalArgumentException(
                "request(" + n + "): n must be positive (Reactive Streams rule 3.9)"));
        return;
      }
      call.request((int) Math.min(n, Integer.MAX_VALUE));
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        call.cancel("the subscriber cancelled", null);
        if (pump != null) {
          pump.cancel();
        }
      }
    }

    @Override
    public synchronized void onMessage(Resp message) {
      if (!cancelled && !terminated) {
        subscriber.onNext(message);
      }
    }

    @Override
    public void onReady() {
      if (pump != null) {
        pump.onReady();
      }
    }

    @Override
    public synchronized void onClose(Status status, Metadata trailers) {
      if (pump != null) {
        pump.cancel();
      }
      if (terminated || cancelled) {
        return;
      }
      terminated = true;
      if (status.isOk()) {
        subscriber.onComplete();
      } else {
        subscriber.onError(status.asException(trailers));
      }
    }
  }
}
