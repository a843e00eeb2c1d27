package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Result and parameter types that go through an adapter: a blocking {@code Stream} (in the runtime)
 * and, by name, Reactor's and RxJava's types (their adapter modules are tested on their own; here
 * stand-ins with the adapters' signatures show the generated code type-checks).
 */
@Timeout(120)
class AdaptedTypesTest {

  /** The generated source with every run of white space (generated lines wrap) as one space. */
  private static String generated(Compilation c) throws IOException {
    String source =
        c.generatedSourceFile("t.SvcRpc").orElseThrow().getCharContent(false).toString();
    return source.replaceAll("\\s+", " ");
  }

  @Test
  void aStreamResultIsABlockingServerStream() throws IOException {
    Compilation c =
        TestCompiler.compile(
            JavaFileObjects.forSourceLines(
                "t.Svc",
                "package t;",
                "import dev.typedrpc.annotations.RpcService;",
                "@RpcService public interface Svc {",
                "  java.util.stream.Stream<String> tail(String room, int last);",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    String rpc = generated(c);
    org.assertj.core.api.Assertions.assertThat(rpc)
        .contains("CallKind.SERVER_STREAMING")
        .contains(
            "return BlockingStreams.stream(ClientCalls.serverStreaming(this.channel, TAIL, this.options,"
                + " new TailRequest(room, last)));")
        .contains(
            ".serverStreaming(TAIL, request -> BlockingStreams.toFlow(impl.tail(request.room(), request.last())))");
  }

  /** Stand-ins for Reactor's types and typedrpc's adapter, with the real signatures. */
  private static final JavaFileObject FLUX =
      JavaFileObjects.forSourceLines(
          "reactor.core.publisher.Flux",
          "package reactor.core.publisher;",
          "public class Flux<T> {}");

  private static final JavaFileObject MONO =
      JavaFileObjects.forSourceLines(
          "reactor.core.publisher.Mono",
          "package reactor.core.publisher;",
          "public class Mono<T> {}");

  private static final JavaFileObject ADAPTERS =
      JavaFileObjects.forSourceLines(
          "dev.typedrpc.reactor.ReactorAdapters",
          "package dev.typedrpc.reactor;",
          "import java.util.concurrent.*;",
          "import java.util.function.Supplier;",
          "import reactor.core.publisher.*;",
          "public final class ReactorAdapters {",
          "  public static <T> Flux<T> flux(Flow.Publisher<T> p) { return null; }",
          "  public static <T> Mono<T> mono(Supplier<CompletableFuture<T>> call) { return null; }",
          "  public static <T> Flow.Publisher<T> toFlow(Flux<T> flux) { return null; }",
          "  public static <T> CompletableFuture<T> toFuture(Mono<T> mono) { return null; }",
          "}");

  @Test
  void reactorTypesGoThroughTheAdapterBothWays() throws IOException {
    Compilation c =
        TestCompiler.compile(
            JavaFileObjects.forSourceLines(
                "t.Svc",
                "package t;",
                "import dev.typedrpc.annotations.RpcService;",
                "import reactor.core.publisher.*;",
                "@RpcService public interface Svc {",
                "  Mono<String> echo(String text);",
                "  Mono<Void> touch();",
                "  Flux<String> watch(String room);",
                "  Mono<String> join(Flux<String> parts);",
                "  Flux<String> chat(Flux<String> lines);",
                "}"),
            FLUX,
            MONO,
            ADAPTERS);
    assertThat(c).succeededWithoutWarnings();
    org.assertj.core.api.Assertions.assertThat(generated(c))
        .contains(
            "return ReactorAdapters.mono(() -> ClientCalls.futureUnary(this.channel, ECHO, this.options, new EchoRequest(text)));")
        .contains(
            "return ReactorAdapters.flux(ClientCalls.serverStreaming(this.channel, WATCH, this.options, new WatchRequest(room)));")
        .contains(
            "ClientCalls.clientStreaming(this.channel, JOIN, this.options, ReactorAdapters.toFlow(parts))")
        .contains(
            "return ReactorAdapters.flux(ClientCalls.bidiStreaming(this.channel, CHAT, this.options, ReactorAdapters.toFlow(lines)));")
        .contains(
            ".unaryAsync(ECHO, request -> ReactorAdapters.toFuture(impl.echo(request.text())))")
        .contains(".unaryAsync(TOUCH, request -> ReactorAdapters.toFuture(impl.touch()))")
        .contains(
            ".clientStreaming(JOIN, request -> ReactorAdapters.toFuture(impl.join(ReactorAdapters.flux(request))))")
        .contains(
            ".bidiStreaming(CHAT, request -> ReactorAdapters.toFlow(impl.chat(ReactorAdapters.flux(request))))");
  }
}
