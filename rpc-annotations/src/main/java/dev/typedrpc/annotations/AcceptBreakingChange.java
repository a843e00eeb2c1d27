package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Accepts one intended breaking change that the baseline check ({@code -Atypedrpc.baseline=<dir>})
 * would otherwise report. The check then prints a NOTE naming the rule, the element and the reason
 * instead of an error (or warning), so the decision shows in code review and in the build log.
 *
 * <p>Put it on the element the error is reported on: a method, record component, parameter, enum
 * constant or sealed subtype for rules about that element; the record, enum or sealed interface for
 * something deleted from it; the service interface for service-level rules ({@code
 * SERVICE_RENAMED}, {@code VERSION_NOT_BUMPED}, {@code METHOD_NO_DELETE}). The rule names are
 * listed in {@code docs/EVOLUTION.md}; an unknown name is a compile error. Remove the annotation
 * once the baseline has been refreshed: it accepts a difference from that baseline only.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
  ElementType.TYPE,
  ElementType.METHOD,
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD
})
@Repeatable(AcceptBreakingChange.List.class)
public @interface AcceptBreakingChange {
  /** The rule to silence, e.g. {@code FIELD_NO_DELETE_UNLESS_RESERVED}. */
  String rule();

  /** Why the break is fine, for the reviewer and the build log. */
  String reason();

  /** Several accepted rules on one element. */
  @Documented
  @Retention(RetentionPolicy.CLASS)
  @Target({
    ElementType.TYPE,
    ElementType.METHOD,
    ElementType.PARAMETER,
    ElementType.RECORD_COMPONENT,
    ElementType.FIELD
  })
  @interface List {
    AcceptBreakingChange[] value();
  }
}
