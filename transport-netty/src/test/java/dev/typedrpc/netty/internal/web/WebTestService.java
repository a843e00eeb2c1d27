package dev.typedrpc.netty.internal.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.Idempotency;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.InvalidJsonException;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;

/**
 * The service the web protocol tests call, written by hand against the runtime API with a message
 * that has a binary and a JSON form: {@code {"text": "..."}}, field 1.
 */
final class WebTestService {
  static final String NAME = "web.Test";

  /** "echo:" + text; echoes x-in as header x-out and trailer x-trail, x-data-bin as x-data-bin. */
  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(NAME, "Echo", CallKind.UNARY, TextCodec.INSTANCE, TextCodec.INSTANCE)
          .withIdempotency(Idempotency.NO_SIDE_EFFECTS);

  /** Fails NOT_FOUND with the request in the message, and trailer x-why. */
  static final MethodDescriptor<String, String> FAIL = unary("Fail");

  /** Never answers; its cancellation status completes {@link #cancelled}. */
  static final MethodDescriptor<String, String> SLEEP = unary("Sleep");

  /** Marks {@link #started}, then answers with what the test completes {@link #held} with. */
  static final MethodDescriptor<String, String> HOLD = unary("Hold");

  /** Answers with the call's authorization header and transport. */
  static final MethodDescriptor<String, String> WHOAMI = unary("Whoami");

  /** Streams "0" .. "n-1" for a request "n", with header x-kind and trailer x-done. */
  static final MethodDescriptor<String, String> COUNT =
      MethodDescriptor.of(
          NAME, "Count", CallKind.SERVER_STREAMING, TextCodec.INSTANCE, TextCodec.INSTANCE);

  /** Sends one message then never ends; its cancellation completes {@link #cancelled}. */
  static final MethodDescriptor<String, String> HANG =
      MethodDescriptor.of(
          NAME, "Hang", CallKind.SERVER_STREAMING, TextCodec.INSTANCE, TextCodec.INSTANCE);

  /** Joins the requests with ','. */
  static final MethodDescriptor<String, String> JOIN =
      MethodDescriptor.of(
          NAME, "Join", CallKind.CLIENT_STREAMING, TextCodec.INSTANCE, TextCodec.INSTANCE);

  /** Streams n messages of 1,000 bytes for a request "n", as demanded; counts them in emitted. */
  static final MethodDescriptor<String, String> FLOOD =
      MethodDescriptor.of(
          NAME, "Flood", CallKind.SERVER_STREAMING, TextCodec.INSTANCE, TextCodec.INSTANCE);

  static final MethodDescriptor<String, String> CHAT =
      MethodDescriptor.of(
          NAME, "Chat", CallKind.BIDI_STREAMING, TextCodec.INSTANCE, TextCodec.INSTANCE);

  static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(
          NAME, 1, List.of(ECHO, FAIL, SLEEP, HOLD, WHOAMI, COUNT, HANG, FLOOD, JOIN, CHAT));

  final CompletableFuture<Status> cancelled = new CompletableFuture<>();

  /** Messages FLOOD has emitted. */
  final java.util.concurrent.atomic.AtomicInteger emitted =
      new java.util.concurrent.atomic.AtomicInteger();

  /** HOLD's answer. */
  final CompletableFuture<String> held = new CompletableFuture<>();

  /** Completes when a SLEEP, HOLD or HANG call's implementation runs. */
  final CompletableFuture<Void> started = new CompletableFuture<>();

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of(NAME, name, CallKind.UNARY, TextCodec.INSTANCE, TextCodec.INSTANCE);
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .unary(ECHO, WebTestService::echo)
        .unary(
            FAIL,
            s -> {
              RpcContext.current().setTrailers(Metadata.of("x-why", "asked"));
              throw Status.NOT_FOUND.withDescription("no such thing: " + s).asException();
            })
        .unaryAsync(SLEEP, s -> sleep())
        .unaryAsync(
            HOLD,
            s -> {
              started.complete(null);
              return held;
            })
        .unary(
            WHOAMI,
            s ->
                RpcContext.current().headers().get("authorization")
                    + "@"
                    + RpcContext.current().transport())
        .serverStreaming(COUNT, WebTestService::count)
        .serverStreaming(HANG, s -> hang())
        .serverStreaming(FLOOD, this::flood)
        .clientStreaming(
            JOIN, in -> Publishers.collectList(in).thenApply(list -> String.join(",", list)))
        .bidiStreaming(CHAT, in -> in)
        .build();
  }

  private static String echo(String text) {
    RpcContext ctx = RpcContext.current();
    Metadata in = ctx.headers();
    Metadata.Builder headers = Metadata.builder();
    String x = in.get("x-in");
    if (x != null) {
      headers.put("x-out", x);
      ctx.setTrailers(Metadata.of("x-trail", x));
    }
    byte[] data = in.getBinary("x-data-bin");
    if (data != null) {
      headers.putBinary("x-data-bin", data);
    }
    ctx.sendHeaders(headers.build());
    return "echo:" + text;
  }

  private CompletableFuture<String> sleep() {
    RpcContext ctx = RpcContext.current();
    ctx.addCancelListener(() -> cancelled.complete(ctx.cancellationStatus()));
    if (ctx.isCancelled()) { // before the listener: it will not run
      cancelled.complete(ctx.cancellationStatus());
    }
    started.complete(null);
    return new CompletableFuture<>();
  }

  private static Flow.Publisher<String> count(String n) {
    RpcContext ctx = RpcContext.current();
    ctx.sendHeaders(Metadata.of("x-kind", "count"));
    ctx.setTrailers(Metadata.of("x-done", n));
    List<String> items = new ArrayList<>();
    IntStream.range(0, Integer.parseInt(n)).forEach(i -> items.add(Integer.toString(i)));
    return Publishers.fromIterable(items);
  }

  private Flow.Publisher<String> flood(String n) {
    String item = "x".repeat(1000);
    int count = Integer.parseInt(n);
    return Publishers.fromIterable(
        () ->
            new java.util.Iterator<String>() {
              @Override
              public boolean hasNext() {
                return emitted.get() < count;
              }

              @Override
              public String next() {
                emitted.incrementAndGet();
                return item;
              }
            });
  }

  private Flow.Publisher<String> hang() {
    RpcContext ctx = RpcContext.current();
    ctx.addCancelListener(() -> cancelled.complete(ctx.cancellationStatus()));
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              private boolean sent;

              @Override
              public void request(long n) {
                if (!sent) {
                  sent = true;
                  subscriber.onNext("first");
                }
              }

              @Override
              public void cancel() {}
            });
  }

  /** A string as field 1, and as {@code {"text": ...}} in JSON. */
  enum TextCodec implements MessageCodec<String>, JsonCodec<String> {
    INSTANCE;

    @Override
    public int encodedSize(String value) {
      return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, value);
    }

    @Override
    public void encode(String value, CodedOutputStream out) throws IOException {
      if (!value.isEmpty()) {
        out.writeString(1, value);
      }
    }

    @Override
    public String decode(CodedInputStream in, int depth) throws IOException {
      String value = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          value = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return value;
    }

    @Override
    public JsonCodec<String> json() {
      return this;
    }

    @Override
    public void write(String value, JsonGenerator out, int depth) throws IOException {
      out.writeStartObject();
      if (!value.isEmpty()) {
        out.writeStringField("text", value);
      }
      out.writeEndObject();
    }

    @Override
    public String read(JsonParser in, int depth) throws IOException {
      String value = "";
      for (JsonToken t = in.nextToken(); t != JsonToken.END_OBJECT; t = in.nextToken()) {
        String name = in.currentName();
        JsonToken v = in.nextToken();
        if ("text".equals(name)) {
          if (v != JsonToken.VALUE_STRING) {
            throw InvalidJsonException.at(in, "not a string");
          }
          value = in.getText();
        } else {
          in.skipChildren();
        }
      }
      return value;
    }
  }
}
