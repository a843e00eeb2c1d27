package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Numbers and names that a record, enum or service used once and must never reuse, so old peers do
 * not misread new data. The processor rejects a component, parameter or enum constant that reuses a
 * reserved number or name (for a service: a method whose name is reserved), and emits {@code
 * reserved} lines in the {@code .proto}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Reserved {
  /** Reserved field (or enum) numbers. */
  int[] numbers() default {};

  /** Reserved names: record component, enum constant or method names as written in Java. */
  String[] names() default {};
}
