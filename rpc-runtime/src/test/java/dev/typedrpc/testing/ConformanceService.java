package dev.typedrpc.testing;

import dev.typedrpc.CallKind;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The service every transport's conformance run talks to: written by hand against the runtime API
 * (as generated code would be), so the runtime's tests need no annotation processor.
 */
public final class ConformanceService {
  public static final String NAME = "typedrpc.testing.Conformance";

  public static final MethodDescriptor<String, String> ECHO = unary("Echo");
  public static final MethodDescriptor<String, String> ECHO_ASYNC = unary("EchoAsync");
  public static final MethodDescriptor<String, String> FAIL = unary("Fail");
  public static final MethodDescriptor<String, String> SLEEP = unary("Sleep");
  public static final MethodDescriptor<String, String> HEADER = unary("Header");

  /** Answers with the transport the call arrived on ({@code RpcContext.transport()}). */
  public static final MethodDescriptor<String, String> TRANSPORT = unary("Transport");

  /** Sends response headers and trailers named after the request. */
  public static final MethodDescriptor<String, String> RESPONSE_METADATA =
      unary("ResponseMetadata");

  public static final MethodDescriptor<byte[], byte[]> BYTES =
      MethodDescriptor.of(NAME, "Bytes", CallKind.UNARY, TestCodecs.BYTES, TestCodecs.BYTES);
  public static final MethodDescriptor<String, String> COUNT =
      MethodDescriptor.of(
          NAME, "Count", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING);
  public static final MethodDescriptor<String, String> JOIN =
      MethodDescriptor.of(
          NAME, "Join", CallKind.CLIENT_STREAMING, TestCodecs.STRING, TestCodecs.STRING);
  public static final MethodDescriptor<String, String> CHAT =
      MethodDescriptor.of(
          NAME, "Chat", CallKind.BIDI_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /**
   * Reports the request metadata of the keys its request names ({@code "k1,k2"} → {@code
   * "k1=<hex>|<hex>;k2=-"}), and answers with every {@code x-} entry of the request in its response
   * headers and trailers, next to reserved keys it tries to set.
   */
  public static final MethodDescriptor<String, String> METADATA_ECHO = unary("MetadataEcho");

  /** A server stream that never emits; its cancellation is recorded as SLEEP's is. */
  public static final MethodDescriptor<String, String> HANG =
      MethodDescriptor.of(
          NAME, "Hang", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /** Keys a transport writes itself: application metadata never sets them on any transport. */
  public static final List<String> RESERVED_KEYS =
      List.of(
          "content-type",
          "te",
          "content-length",
          "connection",
          "host",
          "grpc-timeout",
          "grpc-status",
          "grpc-message");

  public static final MethodDescriptor<Void, Void> PING =
      MethodDescriptor.of(
          NAME,
          "Ping",
          CallKind.UNARY,
          dev.typedrpc.codec.EmptyCodec.INSTANCE,
          dev.typedrpc.codec.EmptyCodec.INSTANCE);

  /** Not bound by the server: calling it must fail with UNIMPLEMENTED. */
  public static final MethodDescriptor<String, String> MISSING = unary("Missing");

  // Streams: misbehaving publishers and response metadata of every call kind.
  /** Responds with a publisher that breaks a Reactive Streams rule, named by the request. */
  public static final MethodDescriptor<String, String> MISBEHAVE =
      MethodDescriptor.of(
          NAME, "Misbehave", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /**
   * Server streaming: sends headers and trailers {@code x-kind: server-streaming}, then the request
   * twice.
   */
  public static final MethodDescriptor<String, String> METADATA_STREAM =
      MethodDescriptor.of(
          NAME, "MetadataStream", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /**
   * Client streaming: sends headers and trailers {@code x-kind: client-streaming}, joins the
   * requests.
   */
  public static final MethodDescriptor<String, String> METADATA_JOIN =
      MethodDescriptor.of(
          NAME, "MetadataJoin", CallKind.CLIENT_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /** Bidi streaming: sends headers and trailers {@code x-kind: bidi-streaming}, echoes. */
  public static final MethodDescriptor<String, String> METADATA_CHAT =
      MethodDescriptor.of(
          NAME, "MetadataChat", CallKind.BIDI_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  public static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(
          NAME,
          1,
          List.of(
              ECHO,
              ECHO_ASYNC,
              FAIL,
              SLEEP,
              HEADER,
              TRANSPORT,
              RESPONSE_METADATA,
              BYTES,
              COUNT,
              JOIN,
              CHAT,
              PING,
              MISBEHAVE,
              METADATA_STREAM,
              METADATA_JOIN,
              METADATA_CHAT,
              METADATA_ECHO,
              HANG));

  /** The publisher behind the latest COUNT call, for backpressure assertions. */
  public final AtomicReference<CountingPublisher<String>> lastCount = new AtomicReference<>();

  /** Counted down when a SLEEP call observes its cancellation; holds the status it saw. */
  public volatile CountDownLatch sleepCancelled = new CountDownLatch(1);

  public final AtomicReference<Status> sleepCancelStatus = new AtomicReference<>();
  public final CountDownLatch sleepStarted = new CountDownLatch(1);

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of(NAME, name, CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  }

  public ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .unary(ECHO, s -> s)
        .unaryAsync(ECHO_ASYNC, s -> CompletableFuture.supplyAsync(() -> "async:" + s))
        .unary(FAIL, ConformanceService::fail)
        .unaryAsync(SLEEP, s -> sleep())
        .unary(HEADER, key -> String.valueOf(RpcContext.current().headers().get(key)))
        .unary(TRANSPORT, s -> RpcContext.current().transport())
        .unary(RESPONSE_METADATA, ConformanceService::responseMetadata)
        .unary(BYTES, this::bytes)
        .serverStreaming(COUNT, this::count)
        .clientStreaming(JOIN, ConformanceService::join)
        .bidiStreaming(CHAT, ConformanceService::chat)
        .unary(PING, v -> null)
        .serverStreaming(MISBEHAVE, MisbehavingPublishers::named)
        .serverStreaming(
            METADATA_STREAM, s -> withMetadata("server-streaming", Publishers.of(List.of(s, s))))
        .clientStreaming(
            METADATA_JOIN,
            in ->
                withMetadata("client-streaming", dev.typedrpc.Publishers.collectList(in))
                    .thenApply(parts -> String.join("", parts)))
        .bidiStreaming(
            METADATA_CHAT,
            in -> withMetadata("bidi-streaming", dev.typedrpc.Publishers.map(in, s -> "echo:" + s)))
        .unary(METADATA_ECHO, ConformanceService::metadataEcho)
        .serverStreaming(HANG, s -> hang())
        .build();
  }

  /** Sends response headers and sets trailers naming the call kind, then returns {@code result}. */
  private static <T> T withMetadata(String kind, T result) {
    RpcContext ctx = RpcContext.current();
    ctx.sendHeaders(Metadata.of("x-kind", kind));
    ctx.setTrailers(Metadata.of("x-trailing-kind", kind));
    return result;
  }

  private static String responseMetadata(String value) {
    RpcContext ctx = RpcContext.current();
    ctx.sendHeaders(Metadata.of("x-initial", value));
    ctx.setTrailers(
        Metadata.builder().putBinary("x-trailing-bin", new byte[] {(byte) 0xab, 0, 1}).build());
    if (value.equals("fail")) {
      throw Status.ABORTED.withDescription("failed after headers").asException();
    }
    return "with metadata";
  }

  private static String metadataEcho(String keys) {
    RpcContext ctx = RpcContext.current();
    Metadata.Builder echoed = Metadata.builder();
    for (Metadata.Entry e : ctx.headers().entries()) {
      if (e.key().startsWith("x-")) {
        echoed.putRaw(e.key(), e.value());
      }
    }
    Metadata.Builder headers = echoed.build().toBuilder();
    Metadata.Builder trailers = echoed.build().toBuilder();
    for (String reserved : RESERVED_KEYS) {
      headers.put(reserved, "7");
      trailers.put(reserved, "7");
    }
    ctx.sendHeaders(headers.build());
    ctx.setTrailers(trailers.build());
    StringBuilder out = new StringBuilder();
    for (String key : keys.isEmpty() ? new String[0] : keys.split(",", -1)) {
      out.append(out.length() == 0 ? "" : ";").append(key).append('=');
      List<String> values = new java.util.ArrayList<>();
      for (Metadata.Entry e : ctx.headers().entries()) {
        if (e.key().equals(key)) {
          values.add(java.util.HexFormat.of().formatHex(e.value()));
        }
      }
      out.append(values.isEmpty() ? "-" : String.join("|", values));
    }
    return out.toString();
  }

  private Flow.Publisher<String> hang() {
    RpcContext ctx = RpcContext.current();
    ctx.addCancelListener(
        () -> {
          sleepCancelStatus.set(ctx.cancellationStatus());
          sleepCancelled.countDown();
        });
    sleepStarted.countDown();
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
  }

  private static String fail(String how) {
    if (how.equals("status")) {
      throw Status.FAILED_PRECONDITION.withDescription("room is closed").asException();
    }
    throw new IllegalStateException("secret internal detail");
  }

  private CompletableFuture<String> sleep() {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<String> never = new CompletableFuture<>();
    ctx.addCancelListener(
        () -> {
          sleepCancelStatus.set(ctx.cancellationStatus());
          sleepCancelled.countDown();
        });
    sleepStarted.countDown();
    return never;
  }

  private byte[] bytes(byte[] request) {
    // "size:N" asks for a response of N bytes; anything else is echoed
    String text = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.startsWith("size:")) {
      return new byte[Integer.parseInt(text.substring(5))];
    }
    return request;
  }

  private Flow.Publisher<String> count(String limit) {
    CountingPublisher<String> p = new CountingPublisher<>(Long.parseLong(limit), i -> "item-" + i);
    lastCount.set(p);
    return p;
  }

  private static CompletableFuture<String> join(Flow.Publisher<String> parts) {
    CompletableFuture<String> result = new CompletableFuture<>();
    parts.subscribe(
        new Flow.Subscriber<String>() {
          private final StringBuilder sb = new StringBuilder();
          private Flow.Subscription s;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            this.s = s;
            s.request(1);
          }

          @Override
          public void onNext(String item) {
            sb.append(item);
            s.request(1);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(sb.toString());
          }
        });
    return result;
  }

  private static Flow.Publisher<String> chat(Flow.Publisher<String> in) {
    SubmissionPublisher<String> out = new SubmissionPublisher<>(Runnable::run, 64);
    in.subscribe(
        new Flow.Subscriber<String>() {
          private Flow.Subscription s;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            this.s = s;
            s.request(8);
          }

          @Override
          public void onNext(String item) {
            if (item.equals("boom")) {
              s.cancel();
              out.closeExceptionally(Status.ABORTED.withDescription("boom").asException());
              return;
            }
            out.submit("echo:" + item);
            s.request(1);
          }

          @Override
          public void onError(Throwable t) {
            out.closeExceptionally(t instanceof RpcException ? t : new RuntimeException(t));
          }

          @Override
          public void onComplete() {
            out.close();
          }
        });
    return out;
  }
}
