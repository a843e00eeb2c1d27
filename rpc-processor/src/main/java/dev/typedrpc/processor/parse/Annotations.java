package dev.typedrpc.processor.parse;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import dev.typedrpc.annotations.AcceptBreakingChange;
import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.Since;
import dev.typedrpc.annotations.Unrecognized;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.type.TypeMirror;

/** Reads typedrpc annotations through mirrors. */
final class Annotations {
  private Annotations() {}

  static Optional<AnnotationMirror> mirror(Element e, Class<? extends Annotation> type) {
    return MoreElements.getAnnotationMirror(e, type).toJavaUtil();
  }

  static AnnotationValue value(AnnotationMirror mirror, String name) {
    return AnnotationMirrors.getAnnotationValue(mirror, name);
  }

  static Optional<AnnotationMirror> field(Element e) {
    return mirror(e, Field.class);
  }

  static int intValue(AnnotationMirror mirror) {
    return (Integer) value(mirror, "value").getValue();
  }

  /** The {@code @Since} value, 1 if absent. */
  static int since(Element e) {
    return mirror(e, Since.class).map(Annotations::intValue).orElse(1);
  }

  static List<Integer> reservedNumbers(Element e) {
    List<Integer> out = new ArrayList<>();
    mirror(e, Reserved.class)
        .ifPresent(
            m -> {
              for (Object v : list(value(m, "numbers"))) {
                out.add((Integer) ((AnnotationValue) v).getValue());
              }
            });
    return out;
  }

  static List<String> reservedNames(Element e) {
    List<String> out = new ArrayList<>();
    mirror(e, Reserved.class)
        .ifPresent(
            m -> {
              for (Object v : list(value(m, "names"))) {
                out.add((String) ((AnnotationValue) v).getValue());
              }
            });
    return out;
  }

  static boolean deprecated(Element e) {
    return MoreElements.isAnnotationPresent(e, Deprecated.class);
  }

  static boolean unrecognized(Element e) {
    return MoreElements.isAnnotationPresent(e, Unrecognized.class);
  }

  /** The {@code @AcceptBreakingChange} annotations of {@code e}, direct or in their container. */
  static List<AnnotationMirror> accepts(Element e) {
    List<AnnotationMirror> out = new ArrayList<>();
    mirror(e, AcceptBreakingChange.class).ifPresent(out::add);
    mirror(e, AcceptBreakingChange.List.class)
        .ifPresent(
            m -> {
              for (Object v : list(value(m, "value"))) {
                out.add((AnnotationMirror) ((AnnotationValue) v).getValue());
              }
            });
    return out;
  }

  private static List<?> list(AnnotationValue v) {
    return (List<?>) v.getValue();
  }

  /**
   * Whether an annotation whose simple name is {@code Nullable} sits on the element, on its type
   * (TYPE_USE annotations such as JSpecify's) or, for a record component, on its accessor.
   */
  static boolean nullable(Element e, TypeMirror type) {
    if (hasNullable(e.getAnnotationMirrors()) || hasNullable(type.getAnnotationMirrors())) {
      return true;
    }
    if (e instanceof RecordComponentElement component) {
      ExecutableElement accessor = component.getAccessor();
      return accessor != null
          && (hasNullable(accessor.getAnnotationMirrors())
              || hasNullable(accessor.getReturnType().getAnnotationMirrors()));
    }
    if (e instanceof ExecutableElement method) {
      return hasNullable(method.getReturnType().getAnnotationMirrors());
    }
    return false;
  }

  private static boolean hasNullable(List<? extends AnnotationMirror> mirrors) {
    for (AnnotationMirror m : mirrors) {
      if (m.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable")) {
        return true;
      }
    }
    return false;
  }
}
