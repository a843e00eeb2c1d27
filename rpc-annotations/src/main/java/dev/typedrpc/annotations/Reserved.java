package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Numbers and names that a record, enum, sealed interface or service used once and must never
 * reuse, so old peers do not misread new data. The processor rejects a component, parameter, enum
 * constant or sealed subtype that reuses a reserved number or name (for a service: a method whose
 * name is reserved), and emits {@code reserved} lines in the {@code .proto}.
 *
 * <p>With a baseline, deleting a record component, enum constant or sealed subtype is allowed only
 * when both its number and its name are reserved here; deleting a method is allowed when its name
 * is reserved on the service (the method is retired: old clients get {@code UNIMPLEMENTED}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Reserved {
  /** Reserved field (or enum) numbers. */
  int[] numbers() default {};

  /**
   * Reserved names: record component, enum constant, sealed subtype (simple name) or method names
   * as written in Java.
   */
  String[] names() default {};
}
