package dev.typedrpc.processor.parse;

import com.palantir.javapoet.ClassName;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Rejects, on the Java element, every name that would make protoc refuse the emitted {@code
 * .proto}: field names or JSON names that collide after snake-casing, a field named like a reserved
 * name, enum values that collide in their scope (they are siblings of their enum), a top-level type
 * named like the service, a nested type whose enclosing name belongs to another type. Other
 * collisions are impossible by naming: type names are PascalCase and unique ({@code
 * [ProtoNameClash]}), rpc names unique ({@code [MethodNameClash]}), oneof names avoid their cases,
 * references are qualified where a shorter name would be shadowed, and protoc accepts its keywords
 * as field names.
 */
final class ProtoNameCheck {
  private final Diagnostics diagnostics;

  ProtoNameCheck(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  void run(String serviceName, List<MessageModel> messages, List<EnumModel> enums) {
    Map<String, Object> types = new HashMap<>();
    for (MessageModel m : messages) {
      types.put(m.protoName(), m);
    }
    for (EnumModel e : enums) {
      types.put(e.protoName(), e);
    }
    for (MessageModel m : messages) {
      fields(m);
      cases(m);
      placement(serviceName, m.protoName(), m.javaType(), m.origin(), types);
    }
    Map<String, String> values = new HashMap<>();
    for (EnumModel e : enums) {
      placement(serviceName, e.protoName(), e.javaName(), e.origin(), types);
      enumValues(e, values);
    }
  }

  private void fields(MessageModel m) {
    Map<String, FieldModel> byName = new HashMap<>();
    Map<String, FieldModel> byJson = new HashMap<>();
    List<String> reservedJava = Annotations.reservedNames(m.origin());
    for (FieldModel f : m.fields()) {
      Element site = member(m.origin(), f.name());
      FieldModel other = byName.putIfAbsent(f.protoName(), f);
      if (other != null) {
        diagnostics.error(
            site,
            Message.PROTO_FIELD_NAME_CLASH,
            f.name(),
            other.name(),
            m.simpleName(),
            f.protoName());
        continue;
      }
      String json = jsonName(f.protoName());
      other = byJson.putIfAbsent(json, f);
      if (other != null) {
        diagnostics.error(
            site,
            Message.PROTO_JSON_NAME_CLASH,
            f.name(),
            f.protoName(),
            other.name(),
            other.protoName(),
            m.simpleName(),
            json);
      }
      int reserved = m.reservedNames().indexOf(f.protoName());
      if (reserved >= 0
          && m.kind() != MessageModel.Kind.SYNTHESIZED_RECORD
          && !reservedJava.contains(f.name())) {
        diagnostics.error(
            site,
            Message.PROTO_RESERVED_FIELD_NAME,
            f.name(),
            f.protoName(),
            m.simpleName(),
            reservedJava.get(reserved));
      }
    }
  }

  /** The cases of a sealed interface's oneof, named after their records, are its fields. */
  private void cases(MessageModel m) {
    Map<String, OneofCase> byName = new HashMap<>();
    Map<String, OneofCase> byJson = new HashMap<>();
    List<String> reservedJava = Annotations.reservedNames(m.origin());
    for (OneofCase c : m.cases()) {
      Element site = subtype(m.origin(), c);
      String java = c.type().javaName().simpleName();
      OneofCase other = byName.putIfAbsent(c.protoName(), c);
      if (other != null) {
        diagnostics.error(
            site,
            Message.PROTO_FIELD_NAME_CLASH,
            java,
            other.type().javaName().simpleName(),
            m.simpleName(),
            c.protoName());
        continue;
      }
      String json = jsonName(c.protoName());
      other = byJson.putIfAbsent(json, c);
      if (other != null) {
        diagnostics.error(
            site,
            Message.PROTO_JSON_NAME_CLASH,
            java,
            c.protoName(),
            other.type().javaName().simpleName(),
            other.protoName(),
            m.simpleName(),
            json);
      }
      int reserved = m.reservedNames().indexOf(c.protoName());
      if (reserved >= 0 && !reservedJava.contains(java)) {
        diagnostics.error(
            site,
            Message.PROTO_RESERVED_FIELD_NAME,
            java,
            c.protoName(),
            m.simpleName(),
            reservedJava.get(reserved));
      }
    }
  }

  private static Element subtype(Element sealed, OneofCase c) {
    for (TypeMirror permitted : ((TypeElement) sealed).getPermittedSubclasses()) {
      Element e = ((DeclaredType) permitted).asElement();
      if (((TypeElement) e).getQualifiedName().contentEquals(c.type().javaName().canonicalName())) {
        return e;
      }
    }
    return sealed;
  }

  /** A nested type must sit in its own enclosing type; a top-level one must not be the service. */
  private void placement(
      String serviceName,
      String protoName,
      Object javaType,
      Element site,
      Map<String, Object> types) {
    int dot = protoName.lastIndexOf('.');
    String top = protoName.split("\\.", -1)[0];
    if (top.equals(serviceName) && (dot < 0 || !types.containsKey(top))) {
      diagnostics.error(site, Message.PROTO_SERVICE_NAME_CLASH, javaType, top);
      return;
    }
    if (dot < 0 || !(javaType instanceof ClassName type)) {
      return;
    }
    Object parent = types.get(protoName.substring(0, dot));
    ClassName enclosing = type.enclosingClassName();
    Object parentType =
        parent instanceof MessageModel pm
            ? pm.javaType()
            : parent instanceof EnumModel pe ? pe.javaName() : enclosing;
    if (!parentType.equals(enclosing)) {
      diagnostics.error(
          site,
          Message.PROTO_NESTED_NAME_CLASH,
          type.canonicalName(),
          protoName.substring(0, dot),
          parentType);
    }
  }

  private void enumValues(EnumModel e, Map<String, String> values) {
    int dot = e.protoName().lastIndexOf('.');
    String scope = dot < 0 ? "the package" : e.protoName().substring(0, dot);
    List<String> reservedJava = Annotations.reservedNames(e.origin());
    for (EnumModel.Constant c : e.constants()) {
      int reserved = e.reservedNames().indexOf(c.protoName());
      if (reserved >= 0 && !reservedJava.contains(c.javaName())) {
        diagnostics.error(
            member(e.origin(), c.javaName()),
            Message.PROTO_RESERVED_FIELD_NAME,
            e.javaName().simpleName() + "." + c.javaName(),
            c.protoName(),
            e.javaName().simpleName(),
            reservedJava.get(reserved));
      }
      String key = scope + " " + c.protoName();
      String java = e.javaName().simpleName() + "." + c.javaName();
      String other = values.putIfAbsent(key, java);
      if (other != null) {
        diagnostics.error(
            member(e.origin(), c.javaName()),
            Message.PROTO_ENUM_VALUE_CLASH,
            scope,
            java,
            other,
            c.protoName());
      }
    }
  }

  /**
   * The element of a record component (its field), enum constant or method parameter, for the
   * position of a diagnostic; the owner itself if none is found.
   */
  private static Element member(Element owner, String name) {
    if (owner instanceof ExecutableElement method) {
      for (VariableElement p : method.getParameters()) {
        if (p.getSimpleName().contentEquals(name)) {
          return p;
        }
      }
      return owner;
    }
    for (Element e : owner.getEnclosedElements()) {
      if ((e.getKind() == ElementKind.FIELD || e.getKind() == ElementKind.ENUM_CONSTANT)
          && e.getSimpleName().contentEquals(name)) {
        return e;
      }
    }
    return owner;
  }

  /** protoc's default JSON name: underscores dropped, the letter after one upper-cased. */
  static String jsonName(String protoName) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (int i = 0; i < protoName.length(); i++) {
      char c = protoName.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
