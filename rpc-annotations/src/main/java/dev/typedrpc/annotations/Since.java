package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The service version that introduced a method, parameter, record component, enum constant or
 * sealed subtype. Absent means version 1. The processor records it in the JSON descriptor and in
 * the generated {@code MethodDescriptor}s (so a client can tell that an older server lacks a
 * method), and enforces:
 *
 * <ul>
 *   <li>{@code 1 <= since <= } {@link RpcService#version()};
 *   <li>a record component with {@code since > 1}, or a parameter with a {@code since} above its
 *       method's, is <em>absent-tolerant</em>, because older peers never send it. Allowed: {@code
 *       Optional<T>}, a boxed scalar or {@code @Nullable} type (absent is {@code empty()}/{@code
 *       null}), {@code List}/{@code Map} (absent is empty), and the proto3 scalars {@code boolean
 *       int long float double String byte[]} and enums (absent is {@code false}, {@code 0}, {@code
 *       ""}, an empty array, the constant numbered 0). Rejected: a non-null record, sealed
 *       interface, {@code Instant} or {@code Duration}, whose absence would read as a made-up value
 *       (a default record, {@code Instant.EPOCH}) or fail; make those {@code Optional} or
 *       {@code @Nullable};
 *   <li>with a baseline ({@code -Atypedrpc.baseline=<dir>}), every element not in the released
 *       descriptor carries a {@code since} above the released version (rule {@code SINCE_MISSING}).
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
  ElementType.METHOD,
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.TYPE
})
public @interface Since {
  /** The version, at least 1. */
  int value();
}
