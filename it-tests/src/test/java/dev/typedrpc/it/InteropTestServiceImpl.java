package dev.typedrpc.it;

import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.it.InteropMessages.BoolValue;
import dev.typedrpc.it.InteropMessages.EchoStatus;
import dev.typedrpc.it.InteropMessages.Payload;
import dev.typedrpc.it.InteropMessages.ResponseParameters;
import dev.typedrpc.it.InteropMessages.SimpleRequest;
import dev.typedrpc.it.InteropMessages.SimpleResponse;
import dev.typedrpc.it.InteropMessages.StreamingInputCallRequest;
import dev.typedrpc.it.InteropMessages.StreamingInputCallResponse;
import dev.typedrpc.it.InteropMessages.StreamingOutputCallRequest;
import dev.typedrpc.it.InteropMessages.StreamingOutputCallResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * {@code grpc.testing.TestService} as gRPC's {@code doc/interop-test-descriptions.md} describes the
 * server. Whether a request came compressed is read from its {@code grpc-encoding} header;
 * responses are compressed as the request's {@code response_compressed} (or its first response
 * parameter's {@code compressed}) says, with {@code RpcContext.setCompression}, else by the
 * server's {@code ?grpc-compression=gzip} setting.
 */
final class InteropTestServiceImpl implements InteropTestService {

  @Override
  public void emptyCall() {}

  /**
   * custom_metadata: echo the initial metadata as response headers and the -bin one as a trailer.
   */
  private static void echoMetadata() {
    dev.typedrpc.RpcContext ctx = dev.typedrpc.RpcContext.current();
    String initial = ctx.headers().get("x-grpc-test-echo-initial");
    if (initial != null) {
      ctx.sendHeaders(dev.typedrpc.Metadata.of("x-grpc-test-echo-initial", initial));
    }
    byte[] trailing = ctx.headers().getBinary("x-grpc-test-echo-trailing-bin");
    if (trailing != null) {
      ctx.setTrailers(
          dev.typedrpc.Metadata.builder()
              .putBinary("x-grpc-test-echo-trailing-bin", trailing)
              .build());
    }
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request) {
    echoMetadata();
    checkCompressed(request.expectCompressed());
    compressResponses(request.responseCompressed());
    fail(request.responseStatus());
    return new SimpleResponse(Payload.zeros(request.responseSize()));
  }

  @Override
  public Flow.Publisher<StreamingOutputCallResponse> streamingOutputCall(
      StreamingOutputCallRequest request) {
    List<StreamingOutputCallResponse> responses = new ArrayList<>();
    if (!request.responseParameters().isEmpty()) {
      // one choice per call: the first response's
      compressResponses(request.responseParameters().get(0).compressed());
    }
    for (ResponseParameters p : request.responseParameters()) {
      responses.add(new StreamingOutputCallResponse(Payload.zeros(p.size())));
    }
    return Publishers.of(responses);
  }

  @Override
  public CompletableFuture<StreamingInputCallResponse> streamingInputCall(
      Flow.Publisher<StreamingInputCallRequest> requests) {
    boolean compressed = requestCompressed();
    CompletableFuture<StreamingInputCallResponse> result = new CompletableFuture<>();
    requests.subscribe(
        new Flow.Subscriber<StreamingInputCallRequest>() {
          private Flow.Subscription subscription;
          private int total;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(StreamingInputCallRequest r) {
            if (r.expectCompressed().value() && !compressed) {
              subscription.cancel();
              result.completeExceptionally(notCompressed());
              return;
            }
            total += r.payload().body().length;
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(new StreamingInputCallResponse(total));
          }
        });
    return result;
  }

  @Override
  public Flow.Publisher<StreamingOutputCallResponse> fullDuplexCall(
      Flow.Publisher<StreamingOutputCallRequest> requests) {
    echoMetadata();
    return respond(requests, false);
  }

  @Override
  public Flow.Publisher<StreamingOutputCallResponse> halfDuplexCall(
      Flow.Publisher<StreamingOutputCallRequest> requests) {
    return respond(requests, true);
  }

  /**
   * Answers each request's response parameters, at once or (half duplex) after the last request.
   */
  private static Flow.Publisher<StreamingOutputCallResponse> respond(
      Flow.Publisher<StreamingOutputCallRequest> requests, boolean afterLast) {
    QueuePublisher<StreamingOutputCallResponse> out = new QueuePublisher<>();
    List<StreamingOutputCallResponse> held = new ArrayList<>();
    requests.subscribe(
        new Flow.Subscriber<StreamingOutputCallRequest>() {
          private Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            out.onCancel(s::cancel);
            s.request(1);
          }

          @Override
          public void onNext(StreamingOutputCallRequest r) {
            EchoStatus status = r.responseStatus();
            if (status.code() != 0) {
              subscription.cancel();
              out.fail(
                  Status.Code.fromValue(status.code())
                      .toStatus()
                      .withDescription(status.message())
                      .asException());
              return;
            }
            for (ResponseParameters p : r.responseParameters()) {
              StreamingOutputCallResponse response =
                  new StreamingOutputCallResponse(Payload.zeros(p.size()));
              if (afterLast) {
                held.add(response);
              } else {
                out.emit(response);
              }
            }
            subscription.request(1);
          }

          @Override
          public void onError(Throwable t) {
            out.fail(t);
          }

          @Override
          public void onComplete() {
            held.forEach(out::emit);
            out.complete();
          }
        });
    return out;
  }

  /** Compresses the responses if asked to, or not if asked not to; else the server's default. */
  private static void compressResponses(BoolValue compressed) {
    if (compressed != null) {
      dev.typedrpc.RpcContext.current().setCompression(compressed.value() ? "gzip" : "identity");
    }
  }

  private static void checkCompressed(BoolValue expectCompressed) {
    if (expectCompressed.value() && !requestCompressed()) {
      throw notCompressed();
    }
  }

  private static boolean requestCompressed() {
    return "gzip".equals(RpcContext.current().headers().get("grpc-encoding"));
  }

  private static RuntimeException notCompressed() {
    return Status.INVALID_ARGUMENT.withDescription("expected a compressed request").asException();
  }

  private static void fail(EchoStatus status) {
    if (status.code() != 0) {
      throw Status.Code.fromValue(status.code())
          .toStatus()
          .withDescription(status.message())
          .asException();
    }
  }

  /** A one-subscriber publisher fed by {@link #emit}; delivers within demand, without recursion. */
  private static final class QueuePublisher<T> implements Flow.Publisher<T>, Flow.Subscription {
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private Flow.Subscriber<? super T> subscriber;
    private Runnable onCancel = () -> {};
    private long demand;
    private boolean draining;
    private boolean completed;
    private Throwable error;
    private boolean done;

    @Override
    public void subscribe(Flow.Subscriber<? super T> s) {
      synchronized (this) {
        subscriber = s;
      }
      s.onSubscribe(this);
      drain();
    }

    synchronized void onCancel(Runnable r) {
      onCancel = r;
    }

    void emit(T item) {
      synchronized (this) {
        queue.add(item);
      }
      drain();
    }

    void complete() {
      synchronized (this) {
        completed = true;
      }
      drain();
    }

    void fail(Throwable t) {
      synchronized (this) {
        error = t;
        queue.clear();
      }
      drain();
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      drain();
    }

    @Override
    public void cancel() {
      Runnable r;
      synchronized (this) {
        done = true;
        queue.clear();
        r = onCancel;
      }
      r.run();
    }

    private void drain() {
      Flow.Subscriber<? super T> s;
      synchronized (this) {
        if (draining || subscriber == null || done) {
          return;
        }
        draining = true;
        s = subscriber;
      }
      while (true) {
        T item = null;
        boolean finish = false;
        Throwable failure = null;
        synchronized (this) {
          if (done) {
            draining = false;
            return;
          }
          if (error != null) {
            failure = error;
            done = true;
          } else if (demand > 0 && !queue.isEmpty()) {
            demand--;
            item = queue.poll();
          } else if (queue.isEmpty() && completed) {
            finish = true;
            done = true;
          } else {
            draining = false;
            return;
          }
        }
        if (failure != null) {
          s.onError(failure);
        } else if (finish) {
          s.onComplete();
        } else {
          s.onNext(item);
        }
      }
    }
  }
}
