package dev.typedrpc.processor.parse;

import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.FieldModel.Label;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Checks of single types and fields that the type parser runs: access, absence, fallbacks. */
final class TypeChecks {
  private TypeChecks() {}

  /**
   * Reports {@code te} if it, or a type it is nested in, is private: generated codecs and the
   * {@code <Iface>Rpc} class are top-level classes of its package.
   */
  static void checkAccessible(TypeElement te, Diagnostics diagnostics) {
    for (Element e = te; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        String why = t == te ? "private" : "nested in private " + Names.dottedName(t);
        diagnostics.error(te, Message.INACCESSIBLE_TYPE, Names.dottedName(te), why);
        return;
      }
    }
  }

  /**
   * Reports a field added after version 1 ({@code since > 1}) whose absence would read as a made-up
   * value: a singular record, sealed interface, Instant or Duration. Scalars, strings, bytes and
   * enums read as their proto3 default; Optional, nullable, lists and maps as empty.
   */
  static void checkAbsentTolerant(
      TypeParser.Resolved r,
      int since,
      Element site,
      String siteName,
      TypeMirror type,
      Diagnostics diagnostics) {
    boolean tolerant =
        r.label() != Label.SINGULAR
            || r.value() instanceof ScalarValue
            || r.value() instanceof EnumValue;
    if (since > 1 && !tolerant) {
      diagnostics.error(site, Message.NOT_ABSENT_TOLERANT, siteName, since, type);
    }
  }

  /** An {@code @Unrecognized} record must be {@code (int fieldNumber, byte[] bytes)}. */
  static void checkUnrecognizedShape(TypeElement sub, Diagnostics diagnostics) {
    List<? extends Element> components = sub.getRecordComponents();
    List<String> types = new ArrayList<>();
    for (Element c : components) {
      types.add(c.asType() + " " + c.getSimpleName());
    }
    boolean ok =
        components.size() == 2
            && components.get(0).asType().getKind() == TypeKind.INT
            && components.get(1).asType().getKind() == TypeKind.ARRAY
            && ((ArrayType) components.get(1).asType()).getComponentType().getKind()
                == TypeKind.BYTE;
    if (!ok) {
      diagnostics.error(
          sub,
          Message.UNRECOGNIZED_SHAPE,
          Names.dottedName(sub),
          String.join(", ", types),
          sub.getSimpleName());
    }
  }
}
