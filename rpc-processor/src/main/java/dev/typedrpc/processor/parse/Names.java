package dev.typedrpc.processor.parse;

import com.google.common.base.CaseFormat;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/** Naming rules shared by the parser: proto names, flat type names, case conversions. */
public final class Names {
  private Names() {}

  /** Simple names from the outermost type inwards, joined by {@code _}: {@code Outer_Inner}. */
  public static String flatName(TypeElement type) {
    Deque<String> names = new ArrayDeque<>();
    Element e = type;
    while (e != null && (e.getKind().isClass() || e.getKind().isInterface())) {
      names.addFirst(e.getSimpleName().toString());
      e = e.getEnclosingElement();
    }
    return String.join("_", names);
  }

  /** Simple names joined by {@code .}: {@code Outer.Inner}. */
  public static String dottedName(TypeElement type) {
    return flatName(type).replace('_', '.');
  }

  public static String packageName(TypeElement type) {
    Element e = type;
    while (e.getKind() != ElementKind.PACKAGE) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  /** {@code postMessage} → {@code post_message}. */
  public static String lowerSnake(String javaName) {
    return CaseFormat.LOWER_CAMEL.to(CaseFormat.LOWER_UNDERSCORE, javaName);
  }

  /** {@code postMessage} → {@code POST_MESSAGE}. */
  public static String upperSnake(String javaName) {
    return CaseFormat.LOWER_CAMEL.to(CaseFormat.UPPER_UNDERSCORE, javaName);
  }

  /** {@code postMessage} → {@code PostMessage}. */
  public static String upperCamel(String javaName) {
    return javaName.isEmpty()
        ? javaName
        : javaName.substring(0, 1).toUpperCase(Locale.ROOT) + javaName.substring(1);
  }

  /**
   * Proto enum value name: the enum's proto name in UPPER_SNAKE, then the constant: {@code
   * COLOR_RED}.
   */
  public static String enumValue(String enumProtoName, String constant) {
    StringBuilder prefix = new StringBuilder();
    for (String part : enumProtoName.split("_", -1)) {
      if (prefix.length() > 0) {
        prefix.append('_');
      }
      prefix.append(CaseFormat.UPPER_CAMEL.to(CaseFormat.UPPER_UNDERSCORE, part));
    }
    String value =
        constant.equals(constant.toUpperCase(Locale.ROOT))
            ? constant
            : CaseFormat.UPPER_CAMEL.to(CaseFormat.UPPER_UNDERSCORE, upperCamel(constant));
    return prefix + "_" + value;
  }
}
