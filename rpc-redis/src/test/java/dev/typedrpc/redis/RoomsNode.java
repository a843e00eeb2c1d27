package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.presence.PresenceEvent;
import dev.typedrpc.presence.PresenceHandle;
import dev.typedrpc.presence.PresenceState;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A typedrpc server on 127.0.0.1 with a presence-using test service, "rooms": {@code Join} ({@code
 * topic|id}) makes the caller a member for as long as its call lives and answers {@code joined};
 * {@code Set} ({@code topic|id|STATE}) changes its state; {@code Watch} ({@code topic}) streams the
 * topic's events as text ({@code JOIN ann:ONLINE}, {@code SNAPSHOT ann:ONLINE,…}). Its server pings
 * each connection every 300 ms and drops one that does not answer within 500 ms.
 */
final class RoomsNode implements AutoCloseable {
  private static final String NAME = "typedrpc.testing.Rooms";
  static final MethodDescriptor<String, String> JOIN =
      MethodDescriptor.of(NAME, "Join", CallKind.SERVER_STREAMING, Text.INSTANCE, Text.INSTANCE);
  static final MethodDescriptor<String, String> SET =
      MethodDescriptor.of(NAME, "Set", CallKind.UNARY, Text.INSTANCE, Text.INSTANCE);
  static final MethodDescriptor<String, String> WATCH =
      MethodDescriptor.of(NAME, "Watch", CallKind.SERVER_STREAMING, Text.INSTANCE, Text.INSTANCE);

  private final Presence presence;
  private final Map<String, PresenceHandle> handles = new ConcurrentHashMap<>();
  private final RpcServer server;

  RoomsNode(Presence presence) throws Exception {
    this.presence = presence;
    KeepAliveSettings keepAlive =
        KeepAliveSettings.DEFAULT
            .withKeepAliveTime(Duration.ofMillis(300))
            .withKeepAliveTimeout(Duration.ofMillis(500));
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc") // the same port serves sse and h2c
            .transportSettings(TransportSettings.DEFAULT.withKeepAlive(keepAlive))
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of(NAME, 1, List.of(JOIN, SET, WATCH)))
                    .serverStreaming(JOIN, this::join)
                    .unary(SET, this::set)
                    .serverStreaming(WATCH, this::watch)
                    .build())
            .build()
            .start();
  }

  URI uri(String scheme) {
    return uri(scheme, server.address().getPort());
  }

  int port() {
    return server.address().getPort();
  }

  static URI uri(String scheme, int port) {
    return URI.create(scheme + "://127.0.0.1:" + port + "/rpc");
  }

  private Flow.Publisher<String> join(String request) {
    String[] parts = request.split("\\|");
    PresenceHandle handle = presence.join(parts[0], Member.online(parts[1]), RpcContext.current());
    handles.put(request, handle);
    return handle.closeWhenDone(new OneThenOpen<>("joined"));
  }

  private String set(String request) {
    String[] parts = request.split("\\|");
    PresenceHandle handle = handles.get(parts[0] + "|" + parts[1]);
    if (handle == null) {
      throw Status.NOT_FOUND.withDescription("no such member").asException();
    }
    handle.update(PresenceState.valueOf(parts[2]));
    return "ok";
  }

  private Flow.Publisher<String> watch(String topic) {
    return Publishers.map(presence.watch(topic), RoomsNode::describe);
  }

  static String describe(PresenceEvent e) {
    return e.kind()
        + " "
        + e.members().stream()
            .map(m -> m.id() + ":" + m.state())
            .sorted()
            .collect(Collectors.joining(","));
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    presence.close();
  }

  /** One item, then nothing until cancelled: a stream that stays open. */
  private static final class OneThenOpen<T> implements Flow.Publisher<T> {
    private final T item;

    OneThenOpen(T item) {
      this.item = item;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      AtomicBoolean sent = new AtomicBoolean();
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              if (n > 0 && sent.compareAndSet(false, true)) {
                subscriber.onNext(item);
              }
            }

            @Override
            public void cancel() {}
          });
    }
  }

  /** A string as field 1 of a message. */
  enum Text implements MessageCodec<String> {
    INSTANCE;

    @Override
    public int encodedSize(String value) {
      return CodedOutputStream.computeStringSize(1, value);
    }

    @Override
    public void encode(String value, CodedOutputStream out) throws IOException {
      out.writeString(1, value);
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
  }
}
