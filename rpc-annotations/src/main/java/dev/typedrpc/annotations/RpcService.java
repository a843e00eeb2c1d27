package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a remote service. The annotation processor generates {@code <Iface>Rpc}
 * (stub, skeleton, dispatcher, descriptors), one codec per message type, and the {@code .proto} and
 * {@code .json} schemas under {@code META-INF/typedrpc/}.
 *
 * <p>Rules the processor enforces (each violation is a compile error with a {@code [Tag]}):
 *
 * <ul>
 *   <li>the annotated type is a non-generic interface; its methods are not generic and not
 *       overloaded;
 *   <li>abstract methods declared in the interface are RPCs, in declaration order; {@code default}
 *       and {@code static} methods are ignored (not RPCs). Abstract methods inherited from a
 *       super-interface are rejected ({@code [InheritedMethod]}): redeclare them in the service
 *       interface, so that the schema and its order are visible in one place;
 *   <li>each method's descriptor constant ({@code UPPER_SNAKE}) and schema name ({@code
 *       UpperCamel}) is unique and not {@code SERVICE_NAME} or {@code DESCRIPTOR}: {@code getX} and
 *       {@code GetX}, or a method {@code serviceName}, are rejected ({@code [MethodNameClash]});
 *   <li>the interface and every message and enum type are reachable from their package: not {@code
 *       private}, nor nested in a private type ({@code [InaccessibleType]});
 *   <li>methods declare no checked exceptions;
 *   <li>each method has one of the shapes {@code R m(args)}, {@code void m(args)}, {@code
 *       CompletableFuture<R>}/{@code CompletionStage<R> m(args)}, {@code Flow.Publisher<R>
 *       m(args)}, {@code CompletableFuture<R> m(Flow.Publisher<A>)}, {@code Flow.Publisher<R>
 *       m(Flow.Publisher<A>)}; a {@code Flow.Publisher} parameter is only allowed as the single
 *       parameter of a streaming method;
 *   <li>every parameter, result and record component has a supported type: {@code boolean int long
 *       float double} (boxes and {@code @Nullable} are proto3 {@code optional}), {@code String},
 *       {@code byte[]}, enums, records, sealed interfaces of records, {@code List<T>}, {@code
 *       Map<K, V>} ({@code K} one of String, Integer, Long, Boolean), {@code Optional<T>}, {@code
 *       java.time.Instant}, {@code java.time.Duration}; collections do not nest;
 *   <li>all message types of a service have distinct proto names (nested types are named {@code
 *       Outer_Inner});
 *   <li>{@link Since} values do not exceed {@link #version()}.
 * </ul>
 *
 * <p>Wire behaviour worth knowing: proto3 encoding (scalars at their default are not written;
 * boxes, {@code @Nullable} and {@code Optional} fields are written when present); decoders skip
 * unknown fields, accept packed and unpacked repeated scalars, and give absent fields their
 * defaults ({@code 0}, {@code ""}, empty collections, {@code null}/{@code Optional.empty()}, {@code
 * Instant.EPOCH}, {@code Duration.ZERO}, the enum constant numbered 0, a record with all fields
 * default). An unknown enum number or sealed subtype (sent by a newer peer) decodes as described in
 * {@link Unrecognized}; a non-optional sealed field without any case fails to decode. Encoders
 * throw {@link NullPointerException} naming {@code Type.component} for a null where a value is
 * required, including null list elements and null map keys and values.
 *
 * <p>Schema evolution: see {@link Since}, {@link Reserved}, {@link Unrecognized} and {@link
 * AcceptBreakingChange}, and {@code docs/EVOLUTION.md} for the baseline check that fails the build
 * on a breaking change. {@code @Deprecated} methods, record components, parameters, enum constants
 * and sealed subtypes are marked {@code deprecated} in the {@code .proto} and the JSON descriptor.
 * The generated {@code ServiceDescriptor} carries a schema fingerprint (16 hex digits of the
 * SHA-256 of the canonical JSON descriptor, see {@code docs/EVOLUTION.md}).
 *
 * <p>Retention is {@code RUNTIME} so tools may recognise service interfaces reflectively; the
 * runtime itself never reads it (generated code is found with {@link java.util.ServiceLoader}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {
  /**
   * The fully qualified service name, e.g. {@code chat.ChatService}; default: the interface's
   * qualified name.
   */
  String name() default "";

  /**
   * The schema version; {@link Since} values must not exceed it. Starts at 1; with a baseline it
   * must grow whenever the schema gains an element, and never go down.
   */
  int version() default 1;
}
