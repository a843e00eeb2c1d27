package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Per-message compression on one transport ({@code docs/COMPRESSION.md}): calls of all four kinds
 * round-trip compressed and uncompressed, a server answers a call in the encoding the call used,
 * and an implementation's own choice wins. Used by {@link AbstractTransportConformanceTest}; starts
 * its own server with its own service.
 */
final class CompressionScenarios implements AutoCloseable {
  static final String NAME = "typedrpc.testing.Compression";

  /** Echoes; the response says which grpc-encoding the request arrived with. */
  static final MethodDescriptor<String, String> ECHO = method("Echo", CallKind.UNARY);

  /** {@code "n:size"}: n messages of size characters each. */
  static final MethodDescriptor<String, String> REPEAT =
      method("Repeat", CallKind.SERVER_STREAMING);

  static final MethodDescriptor<String, String> JOIN = method("Join", CallKind.CLIENT_STREAMING);
  static final MethodDescriptor<String, String> CHAT = method("Chat", CallKind.BIDI_STREAMING);

  /** Echoes with the response compression the request names before {@code '|'}. */
  static final MethodDescriptor<String, String> CHOOSE = method("Choose", CallKind.UNARY);

  private static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(NAME, 1, List.of(ECHO, REPEAT, JOIN, CHAT, CHOOSE));

  private static final CallOptions GZIP = CallOptions.DEFAULT.withCompression("gzip");
  private static final CallOptions IDENTITY = CallOptions.DEFAULT.withCompression("identity");

  private final RpcServer server;
  private final RpcChannel channel;

  CompressionScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings)
      throws Exception {
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(definition())
            .transportSettings(settings)
            .build()
            .start();
    channel =
        RpcChannel.connect(
            clientUri.apply(server.address()), ChannelOptions.DEFAULT.withTransport(settings));
  }

  private static MethodDescriptor<String, String> method(String name, CallKind kind) {
    return MethodDescriptor.of(NAME, name, kind, TestCodecs.STRING, TestCodecs.STRING);
  }

  private static ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .unary(ECHO, s -> RpcContext.current().headers().get("grpc-encoding") + ":" + s)
        .serverStreaming(
            REPEAT,
            s -> {
              String[] nSize = s.split(":", -1);
              List<String> out = new ArrayList<>();
              for (int i = 0; i < Integer.parseInt(nSize[0]); i++) {
                out.add(text(i + "-", Integer.parseInt(nSize[1])));
              }
              return Publishers.of(out);
            })
        .clientStreaming(
            JOIN,
            in ->
                dev.typedrpc.Publishers.collectList(in).thenApply(parts -> String.join(",", parts)))
        .bidiStreaming(CHAT, in -> dev.typedrpc.Publishers.map(in, s -> "echo:" + s))
        .unary(
            CHOOSE,
            s -> {
              RpcContext.current().setCompression(s.substring(0, s.indexOf('|')));
              return s;
            })
        .build();
  }

  /** Compressible text of {@code size} characters starting with {@code prefix}. */
  static String text(String prefix, int size) {
    StringBuilder b = new StringBuilder(prefix);
    while (b.length() < size) {
      b.append("compressible text ");
    }
    return b.substring(0, size);
  }

  /**
   * {@code size} random letters: gzip shrinks them by about a third only, so a large message stays
   * larger than a frame compressed and travels in parts.
   */
  static String letters(int size) {
    java.util.Random random = new java.util.Random(size);
    char[] c = new char[size];
    for (int i = 0; i < size; i++) {
      c[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(c);
  }

  /**
   * Unary, server-streaming, client-streaming and bidi calls with gzip, identity and the default,
   * with messages above and below the compression threshold, all arrive intact; the server saw the
   * encoding the call asked for and answered in it.
   */
  void allFourKindsRoundTripCompressedAndNot() throws Exception {
    for (CallOptions options : List.of(GZIP, IDENTITY, CallOptions.DEFAULT)) {
      String encoding = options.compression();
      for (String big :
          List.of(text("u", 10), text("u", 5000), text("u", 300_000), letters(200_000))) {
        ResponseMetadata response = new ResponseMetadata();
        assertThat(
                ClientCalls.blockingUnary(
                    channel, ECHO, options.withResponseMetadata(response), big))
            .isEqualTo(encoding + ":" + big);
        assertThat(response.headers().get("grpc-encoding"))
            .as("the server answers in the encoding the call used")
            .isEqualTo("gzip".equals(encoding) ? "gzip" : null);
      }

      Collector streamed = new Collector();
      ClientCalls.serverStreaming(channel, REPEAT, options, "50:3000").subscribe(streamed);
      List<String> items = streamed.result.get(20, TimeUnit.SECONDS);
      assertThat(items).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(items.get(i)).isEqualTo(text(i + "-", 3000));
      }

      List<String> parts = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        parts.add(text("p" + i, i % 2 == 0 ? 2000 : 20));
      }
      assertThat(
              ClientCalls.clientStreaming(channel, JOIN, options, Publishers.of(parts))
                  .get(20, TimeUnit.SECONDS))
          .isEqualTo(String.join(",", parts));

      Collector chat = new Collector();
      ClientCalls.bidiStreaming(channel, CHAT, options, Publishers.of(parts)).subscribe(chat);
      List<String> echoed = chat.result.get(20, TimeUnit.SECONDS);
      assertThat(echoed).hasSize(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        assertThat(echoed.get(i)).isEqualTo("echo:" + parts.get(i));
      }
    }
  }

  /** {@code RpcContext.setCompression} decides a response's compression over the request's. */
  void theImplementationChoosesTheResponseCompression() {
    for (CallOptions options : List.of(GZIP, IDENTITY, CallOptions.DEFAULT)) {
      for (String chosen : List.of("gzip", "identity")) {
        String request = chosen + "|" + text("c", 4000);
        ResponseMetadata response = new ResponseMetadata();
        assertThat(
                ClientCalls.blockingUnary(
                    channel, CHOOSE, options.withResponseMetadata(response), request))
            .isEqualTo(request);
        assertThat(response.headers().get("grpc-encoding"))
            .as("%s asked, %s chosen", options.compression(), chosen)
            .isEqualTo(chosen.equals("gzip") ? "gzip" : null);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  /** Collects a stream, asking for everything. */
  private static final class Collector implements Flow.Subscriber<String> {
    final CompletableFuture<List<String>> result = new CompletableFuture<>();
    private final List<String> items = new ArrayList<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(items);
    }
  }
}
