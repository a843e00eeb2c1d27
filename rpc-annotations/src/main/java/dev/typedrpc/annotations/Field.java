package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable wire number of a record component, method parameter (in a synthesized request message)
 * or sealed subtype record (its field number in the parent's {@code oneof}), or the number of an
 * enum constant.
 *
 * <p>Without it, record components and parameters are numbered by declaration position from 1,
 * sealed subtypes by {@code permits} order from 1, enum constants by declaration order from 0. An
 * explicit number always wins. Rules the processor enforces:
 *
 * <ul>
 *   <li>field numbers are in 1..536870911 and outside 19000..19999 (reserved by Protocol Buffers);
 *   <li>numbers are unique within their message or enum, and not listed in the type's {@link
 *       Reserved};
 *   <li>an enum has exactly one constant numbered 0 (the default value; unknown numbers also decode
 *       to it unless the enum has an {@link Unrecognized} constant, which is not numbered and takes
 *       no {@code @Field}).
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.PARAMETER,
  ElementType.FIELD,
  ElementType.METHOD,
  ElementType.TYPE
})
public @interface Field {
  /** The wire number. */
  int value();
}
