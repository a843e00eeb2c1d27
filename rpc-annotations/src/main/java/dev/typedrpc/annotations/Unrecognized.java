package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a decoder gives to something a newer peer sent that this version does not know, so an
 * old peer degrades visibly instead of failing or guessing.
 *
 * <ul>
 *   <li><b>On one enum constant</b> (e.g. {@code @Unrecognized UNRECOGNIZED}): unknown numbers
 *       decode to it. It has no wire number, is not numbered by declaration order and does not
 *       appear in the {@code .proto}; encoding it throws {@link IllegalArgumentException} (its
 *       original number is lost). Without it, unknown numbers decode to the constant numbered 0.
 *   <li><b>On one record permitted by a sealed message interface</b>, with exactly the components
 *       {@code (int fieldNumber, byte[] bytes)}: an unknown {@code oneof} case decodes to it,
 *       keeping the case's field number and its encoded message, and encodes back to the same
 *       bytes, so a proxy passes it through unchanged. It is not a {@code oneof} case in the {@code
 *       .proto}. Without it, an unknown case fails the decode with {@code
 *       InvalidProtocolBufferException} naming the message and the case number (the peers run
 *       different versions of the service).
 * </ul>
 *
 * <p>A {@code oneof} with no case at all (absent) is not unrecognized: a non-optional sealed field
 * without a case fails to decode; make the field {@code Optional} or {@code @Nullable} where it may
 * be absent.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.FIELD, ElementType.TYPE})
public @interface Unrecognized {}
