package dev.typedrpc.processor.parse;

import com.palantir.javapoet.ClassName;
import dev.typedrpc.processor.model.Adapter;
import java.util.Map;

/**
 * The result and parameter types besides {@code CompletableFuture} and {@code Flow.Publisher} that
 * a method may use, recognised by name (the processor links to none of these libraries), with the
 * adapter each needs on the user's class path.
 */
final class AdaptedTypes {
  private AdaptedTypes() {}

  /**
   * One known type.
   *
   * @param adapter what generated code calls
   * @param hasValue whether the type has a type argument (RxJava's {@code Completable} has none: no
   *     response)
   * @param parameter whether it may carry a method's request stream
   * @param module the Maven coordinates that provide {@code adapter}
   */
  record Known(Adapter adapter, boolean hasValue, boolean parameter, String module) {}

  private static final ClassName STREAMS = ClassName.get("dev.typedrpc.stub", "BlockingStreams");
  private static final ClassName REACTOR = ClassName.get("dev.typedrpc.reactor", "ReactorAdapters");
  private static final ClassName RXJAVA = ClassName.get("dev.typedrpc.rxjava3", "RxJavaAdapters");
  private static final String REACTOR_MODULE = "dev.typedrpc:rpc-reactor";
  private static final String RXJAVA_MODULE = "dev.typedrpc:rpc-rxjava";

  private static final Map<String, Known> KNOWN =
      Map.of(
          "java.util.stream.Stream",
          new Known(new Adapter(STREAMS, "stream", true), true, false, "dev.typedrpc:rpc-runtime"),
          "reactor.core.publisher.Flux",
          new Known(new Adapter(REACTOR, "flux", true), true, true, REACTOR_MODULE),
          "reactor.core.publisher.Mono",
          new Known(new Adapter(REACTOR, "mono", false), true, false, REACTOR_MODULE),
          "io.reactivex.rxjava3.core.Flowable",
          new Known(new Adapter(RXJAVA, "flowable", true), true, true, RXJAVA_MODULE),
          "io.reactivex.rxjava3.core.Single",
          new Known(new Adapter(RXJAVA, "single", false), true, false, RXJAVA_MODULE),
          "io.reactivex.rxjava3.core.Completable",
          new Known(new Adapter(RXJAVA, "completable", false), false, false, RXJAVA_MODULE));

  /** The known type with this erasure, or null. */
  static Known lookup(String erasure) {
    return KNOWN.get(erasure);
  }
}
