package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;

/**
 * A result or streaming-parameter type that generated code converts through a runtime adapter
 * class: a blocking {@code java.util.stream.Stream}, or a Reactor or RxJava type. The adapter class
 * has, for the type {@code X}: {@code X<T> <factory>(Flow.Publisher<T>)} (many-valued) or {@code
 * X<T> <factory>(Supplier<CompletableFuture<T>>)} (single-valued, started on subscribe), and {@code
 * toFlow(X<T>)} / {@code toFuture(X<T>)} for the way back.
 *
 * @param adapter the adapter class
 * @param factory the adapter's method that makes the type
 * @param many whether the type carries a stream (else one value or none)
 */
public record Adapter(ClassName adapter, String factory, boolean many) {}
