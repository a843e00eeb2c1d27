package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The method may be called again with the same request without harm: the outcome of two calls is
 * that of one. Its client retries it by default (see {@code docs/RETRIES.md}): a call that fails
 * with {@code UNAVAILABLE} is sent again, up to three attempts, unless the call or the channel sets
 * another retry policy. A method without it is never sent twice, unless a call asks for it.
 *
 * <p>Two levels, as protobuf's {@code idempotency_level} has them:
 *
 * <ul>
 *   <li>{@code @Idempotent}: repeating it is harmless, but it may change state (set a value, delete
 *       a record): {@code option idempotency_level = IDEMPOTENT;}
 *   <li>{@code @Idempotent(sideEffects = false)}: it changes nothing, it only reads (a client may
 *       also cache it or send it as an HTTP {@code GET}): {@code option idempotency_level =
 *       NO_SIDE_EFFECTS;}
 * </ul>
 *
 * <p>On a method of an {@link RpcService} interface only (the processor rejects it elsewhere); it
 * is recorded in the generated {@code MethodDescriptor} and in the {@code .proto}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Idempotent {
  /**
   * Whether the method may change state: {@code true} (the default) for {@code IDEMPOTENT}, {@code
   * false} for {@code NO_SIDE_EFFECTS}.
   */
  boolean sideEffects() default true;
}
