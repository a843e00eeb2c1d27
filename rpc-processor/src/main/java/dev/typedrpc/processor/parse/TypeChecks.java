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
   * Reports {@code te} if generated code in package {@code from} (the service's package, where the
   * {@code <Iface>Rpc} and {@code <Iface>RpcCodecs} classes are) cannot name it: it, or a type it
   * is nested in, is private, or not public while in another package.
   */
  static void checkAccessible(TypeElement te, String from, Diagnostics diagnostics) {
    boolean samePackage = Names.packageName(te).equals(from);
    for (Element e = te; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      String where = t == te ? "" : "nested in ";
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        String why = where + "private" + (t == te ? "" : " " + Names.dottedName(t));
        diagnostics.error(te, Message.INACCESSIBLE_TYPE, Names.dottedName(te), why);
        return;
      }
      if (!samePackage && !t.getModifiers().contains(Modifier.PUBLIC)) {
        diagnostics.error(
            te,
            Message.INACCESSIBLE_FROM_SERVICE,
            Names.dottedName(te),
            Names.packageName(te),
            where + "not public" + (t == te ? "" : " " + Names.dottedName(t)),
            from,
            Names.dottedName(t));
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
