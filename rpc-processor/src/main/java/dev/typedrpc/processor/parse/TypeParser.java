package dev.typedrpc.processor.parse;

import com.palantir.javapoet.ClassName;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.FieldModel.Label;
import dev.typedrpc.processor.model.FieldModel.Presence;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.Scalar;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;
import dev.typedrpc.processor.model.ValueType.WellKnown;
import dev.typedrpc.processor.model.ValueType.WellKnownValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Maps Java types to wire types and parses the records, sealed interfaces and enums a service
 * reaches. One per service; reports through the service's {@link Diagnostics}.
 */
public final class TypeParser {
  /** A resolved field type: everything of a {@link FieldModel} but its name and number. */
  public record Resolved(
      Label label, Presence presence, boolean primitive, ValueType value, ScalarValue key) {}

  private final Diagnostics diagnostics;
  private final NumberRules rules;
  private final Sites sites;
  private final ClassName codecs;
  private final Deque<TypeElement> pending = new ArrayDeque<>();
  private final Map<String, TypeElement> seen = new LinkedHashMap<>();
  private final Map<String, String> protoNames = new HashMap<>();
  private final Map<String, MessageModel> messages = new LinkedHashMap<>();
  private final Map<String, EnumModel> enums = new LinkedHashMap<>();
  private final Map<String, List<Element>> components = new HashMap<>();
  private boolean sawErrorType;

  /**
   * @param codecs the class generated codecs are nested in, in the service's package: every type
   *     reached must be accessible from there
   */
  TypeParser(Diagnostics diagnostics, NumberRules rules, Sites sites, ClassName codecs) {
    this.diagnostics = diagnostics;
    this.rules = rules;
    this.sites = sites;
    this.codecs = codecs;
  }

  /** The codec class of a message or enum type: {@code Outer_InnerCodec}, nested in the holder. */
  private ClassName codec(TypeElement te) {
    return codecs.nestedClass(Names.flatName(te) + "Codec");
  }

  /** Whether some type was not resolvable (maybe generated in a later round). */
  boolean sawErrorType() {
    return sawErrorType;
  }

  Map<String, String> protoNames() {
    return protoNames;
  }

  List<MessageModel> messages() {
    return new ArrayList<>(messages.values());
  }

  List<EnumModel> enums() {
    return new ArrayList<>(enums.values());
  }

  /**
   * Resolves the type of a field, parameter or result. Returns null after reporting an error (or
   * when the type is an error type).
   */
  Resolved resolveField(TypeMirror type, boolean nullable, Element site, String siteName) {
    if (type.getKind().isPrimitive()) {
      Scalar s = primitive(type.getKind());
      if (s == null) {
        diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, type);
        return null;
      }
      return new Resolved(Label.SINGULAR, Presence.NONE, true, new ScalarValue(s), null);
    }
    if (type.getKind() == TypeKind.ERROR) {
      sawErrorType = true;
      return null;
    }
    String erasure = erasureName(type);
    if (erasure.equals("java.util.List")) {
      ValueType element = resolveElement(type, 0, site, siteName);
      return element == null
          ? null
          : new Resolved(Label.REPEATED, Presence.NONE, false, element, null);
    }
    if (erasure.equals("java.util.Map")) {
      return resolveMap(type, site, siteName);
    }
    if (erasure.equals("java.util.Optional")) {
      ValueType element = resolveElement(type, 0, site, siteName);
      return element == null
          ? null
          : new Resolved(Label.OPTIONAL, Presence.OPTIONAL, false, element, null);
    }
    ValueType value = resolveValue(type, site, siteName);
    if (value == null) {
      return null;
    }
    boolean boxed = boxed(erasure) != null;
    return boxed || nullable
        ? new Resolved(Label.OPTIONAL, Presence.NULLABLE, false, value, null)
        : new Resolved(Label.SINGULAR, Presence.NONE, false, value, null);
  }

  private Resolved resolveMap(TypeMirror type, Element site, String siteName) {
    List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
    if (args.size() != 2) {
      diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, type);
      return null;
    }
    TypeMirror keyType = args.get(0);
    if (keyType.getKind() == TypeKind.ERROR) {
      sawErrorType = true;
      return null;
    }
    Scalar key = keyType.getKind() == TypeKind.DECLARED ? mapKey(erasureName(keyType)) : null;
    ValueType value = resolveElement(type, 1, site, siteName);
    if (key == null) {
      diagnostics.error(site, Message.UNSUPPORTED_MAP_KEY, siteName, keyType);
      return null;
    }
    return value == null
        ? null
        : new Resolved(Label.MAP, Presence.NONE, false, value, new ScalarValue(key));
  }

  private ValueType resolveElement(TypeMirror container, int index, Element site, String siteName) {
    List<? extends TypeMirror> args = ((DeclaredType) container).getTypeArguments();
    if (args.size() <= index) {
      diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, container);
      return null;
    }
    TypeMirror element = args.get(index);
    if (element.getKind() == TypeKind.ERROR) {
      sawErrorType = true;
      return null;
    }
    if (element.getKind() == TypeKind.DECLARED) {
      String name = erasureName(element);
      if (name.equals("java.util.List")
          || name.equals("java.util.Map")
          || name.equals("java.util.Optional")) {
        diagnostics.error(site, Message.NESTED_COLLECTION, siteName, container);
        return null;
      }
    }
    return resolveValue(element, site, siteName);
  }

  /** A single value: scalar (or box), String, byte[], enum, message or well-known type. */
  ValueType resolveValue(TypeMirror type, Element site, String siteName) {
    if (type.getKind() == TypeKind.ERROR) {
      sawErrorType = true;
      return null;
    }
    if (type.getKind() == TypeKind.ARRAY
        && ((ArrayType) type).getComponentType().getKind() == TypeKind.BYTE) {
      return new ScalarValue(Scalar.BYTES);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, type);
      return null;
    }
    String name = erasureName(type);
    Scalar boxed = boxed(name);
    if (boxed != null) {
      return new ScalarValue(boxed);
    }
    switch (name) {
      case "java.lang.String" -> {
        return new ScalarValue(Scalar.STRING);
      }
      case "com.google.protobuf.ByteString" -> {
        return new ScalarValue(Scalar.BYTE_STRING);
      }
      case "java.time.Instant" -> {
        return new WellKnownValue(WellKnown.TIMESTAMP);
      }
      case "java.time.Duration" -> {
        return new WellKnownValue(WellKnown.DURATION);
      }
      default -> {}
    }
    TypeElement te = (TypeElement) ((DeclaredType) type).asElement();
    if (!te.getTypeParameters().isEmpty()) {
      diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, type);
      return null;
    }
    if (te.getKind() == ElementKind.ENUM) {
      enqueue(te);
      return new EnumValue(ClassName.get(te), Names.protoName(te), codec(te));
    }
    if (te.getKind() == ElementKind.RECORD) {
      enqueue(te);
      return new MessageValue(ClassName.get(te), Names.protoName(te), codec(te), false);
    }
    if (te.getKind() == ElementKind.INTERFACE && !name.startsWith("java.")) {
      if (!te.getModifiers().contains(Modifier.SEALED)) {
        diagnostics.error(site, Message.INTERFACE_NOT_SEALED, name, siteName, te.getSimpleName());
        return null;
      }
      enqueue(te);
      return new MessageValue(ClassName.get(te), Names.protoName(te), codec(te), true);
    }
    diagnostics.error(site, Message.UNSUPPORTED_TYPE, siteName, type);
    return null;
  }

  /**
   * Whether {@code type} is a message type (record or interface) that may be a request or response.
   */
  static boolean isMessageType(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement te = (TypeElement) ((DeclaredType) type).asElement();
    return te.getKind() == ElementKind.RECORD
        || (te.getKind() == ElementKind.INTERFACE
            && !te.getQualifiedName().toString().startsWith("java."));
  }

  private void enqueue(TypeElement te) {
    String name = te.getQualifiedName().toString();
    if (seen.containsKey(name)) {
      return;
    }
    seen.put(name, te);
    TypeChecks.checkAccessible(te, codecs.packageName(), diagnostics);
    String proto = Names.protoName(te);
    String other = protoNames.putIfAbsent(proto, name);
    if (other != null) {
      diagnostics.error(te, Message.PROTO_NAME_CLASH, other, name, proto);
    }
    pending.add(te);
  }

  /** Parses every type reached so far (and those they reach), then checks record recursion. */
  void drain() {
    while (!pending.isEmpty()) {
      TypeElement te = pending.removeFirst();
      switch (te.getKind()) {
        case ENUM -> enums.put(te.getQualifiedName().toString(), parseEnum(te));
        case RECORD -> messages.put(te.getQualifiedName().toString(), parseRecord(te));
        default -> messages.put(te.getQualifiedName().toString(), parseOneof(te));
      }
    }
    new RecursionCheck(messages, components, diagnostics).run();
  }

  private MessageModel parseRecord(TypeElement te) {
    List<FieldModel> fields = new ArrayList<>();
    List<Element> elements = new ArrayList<>();
    NumberRules.Scope scope = rules.scope(te, Names.dottedName(te));
    sites.message(Names.protoName(te), te);
    int position = 0;
    for (Element c : te.getRecordComponents()) {
      position++;
      Element site = backingField(te, c);
      String siteName = Names.dottedName(te) + "." + c.getSimpleName();
      int number = scope.fieldNumber(site, position, siteName);
      int since = rules.since(site, siteName);
      scope.checkName(site, c.getSimpleName().toString(), siteName);
      Resolved r = resolveField(c.asType(), Annotations.nullable(c, c.asType()), site, siteName);
      if (r != null) {
        TypeChecks.checkAbsentTolerant(r, since, site, siteName, c.asType(), diagnostics);
        String name = c.getSimpleName().toString();
        sites.field(Names.protoName(te), Names.lowerSnake(name), site);
        fields.add(
            new FieldModel(
                name,
                Names.lowerSnake(name),
                number,
                since,
                r.label(),
                r.presence(),
                r.primitive(),
                r.value(),
                r.key(),
                Annotations.deprecated(site) || Annotations.deprecated(c)));
        elements.add(site);
      }
    }
    components.put(te.getQualifiedName().toString(), elements);
    return new MessageModel(
        MessageModel.Kind.RECORD,
        ClassName.get(te),
        Names.dottedName(te),
        Names.protoName(te),
        codec(te),
        fields,
        List.of(),
        Annotations.reservedNumbers(te),
        snake(Annotations.reservedNames(te)),
        null,
        te);
  }

  private static List<String> snake(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(Names.lowerSnake(n));
    }
    return out;
  }

  /**
   * The private field of a record component: javac gives diagnostics on record components no source
   * position (JDK 17), but the field sits on the component's declaration and carries its {@code
   * FIELD}-targeted annotations.
   */
  private static Element backingField(TypeElement record, Element component) {
    for (Element e : record.getEnclosedElements()) {
      if (e.getKind() == ElementKind.FIELD && e.getSimpleName().equals(component.getSimpleName())) {
        return e;
      }
    }
    return component;
  }

  private MessageModel parseOneof(TypeElement te) {
    List<OneofCase> cases = new ArrayList<>();
    NumberRules.Scope scope = rules.scope(te, Names.dottedName(te));
    sites.message(Names.protoName(te), te);
    TypeElement unrecognized = null;
    int position = 0;
    for (TypeMirror permitted : te.getPermittedSubclasses()) {
      TypeElement sub = (TypeElement) ((DeclaredType) permitted).asElement();
      if (sub.getKind() != ElementKind.RECORD) {
        diagnostics.error(
            te, Message.SEALED_NON_RECORD, te.getSimpleName(), sub.getQualifiedName());
        continue;
      }
      if (Annotations.unrecognized(sub)) {
        if (unrecognized != null) {
          diagnostics.error(
              sub,
              Message.DUPLICATE_UNRECOGNIZED,
              Names.dottedName(te),
              unrecognized.getSimpleName(),
              sub.getSimpleName());
        }
        unrecognized = sub;
        TypeChecks.checkUnrecognizedShape(sub, diagnostics);
        TypeChecks.checkAccessible(sub, codecs.packageName(), diagnostics);
        continue; // not a case: no number, no codec
      }
      position++;
      String siteName = Names.dottedName(sub);
      int number = scope.fieldNumber(sub, position, siteName);
      scope.checkName(sub, sub.getSimpleName().toString(), siteName);
      int since = rules.since(sub, siteName);
      MessageValue type = (MessageValue) resolveValue(permitted, sub, siteName);
      if (type != null) {
        String caseName = Names.lowerSnake(sub.getSimpleName().toString());
        sites.oneofCase(Names.protoName(te), caseName, sub);
        cases.add(new OneofCase(caseName, number, since, type, Annotations.deprecated(sub)));
      }
    }
    return new MessageModel(
        MessageModel.Kind.ONEOF,
        ClassName.get(te),
        Names.dottedName(te),
        Names.protoName(te),
        codec(te),
        List.of(),
        cases,
        Annotations.reservedNumbers(te),
        snake(Annotations.reservedNames(te)),
        unrecognized == null ? null : ClassName.get(unrecognized),
        te);
  }

  private EnumModel parseEnum(TypeElement te) {
    List<EnumModel.Constant> constants = new ArrayList<>();
    NumberRules.Scope scope = rules.enumScope(te, Names.dottedName(te));
    String proto = Names.protoName(te);
    sites.enumType(proto, te);
    boolean zero = false;
    int ordinal = 0;
    int position = 0;
    EnumModel.Fallback unrecognized = null;
    for (Element c : te.getEnclosedElements()) {
      if (c.getKind() != ElementKind.ENUM_CONSTANT) {
        continue;
      }
      String name = c.getSimpleName().toString();
      String siteName = Names.dottedName(te) + "." + name;
      position++;
      if (Annotations.unrecognized(c)) {
        if (unrecognized != null) {
          diagnostics.error(
              c,
              Message.DUPLICATE_UNRECOGNIZED,
              Names.dottedName(te),
              unrecognized.javaName(),
              name);
        }
        if (Annotations.field(c).isPresent()) {
          diagnostics.error(c, Message.UNRECOGNIZED_NUMBERED, siteName);
        }
        unrecognized = new EnumModel.Fallback(name, position - 1);
        continue; // not numbered, not in the .proto
      }
      int number = scope.enumNumber(c, ordinal++, siteName);
      zero |= number == 0;
      scope.checkName(c, name, siteName);
      sites.enumValue(proto, Names.enumValue(proto, name), c);
      constants.add(
          new EnumModel.Constant(
              name,
              Names.enumValue(proto, name),
              number,
              rules.since(c, siteName),
              Annotations.deprecated(c)));
    }
    List<String> reservedNames = new ArrayList<>();
    for (String n : Annotations.reservedNames(te)) {
      reservedNames.add(Names.enumValue(proto, n));
    }
    if (!zero) {
      diagnostics.error(te, Message.ENUM_NO_ZERO, te.getQualifiedName());
    }
    return new EnumModel(
        ClassName.get(te),
        proto,
        codec(te),
        constants,
        Annotations.reservedNumbers(te),
        reservedNames,
        unrecognized,
        te);
  }

  private static Scalar primitive(TypeKind kind) {
    return switch (kind) {
      case BOOLEAN -> Scalar.BOOL;
      case INT -> Scalar.INT32;
      case LONG -> Scalar.INT64;
      case FLOAT -> Scalar.FLOAT;
      case DOUBLE -> Scalar.DOUBLE;
      default -> null;
    };
  }

  private static Scalar boxed(String name) {
    return switch (name) {
      case "java.lang.Boolean" -> Scalar.BOOL;
      case "java.lang.Integer" -> Scalar.INT32;
      case "java.lang.Long" -> Scalar.INT64;
      case "java.lang.Float" -> Scalar.FLOAT;
      case "java.lang.Double" -> Scalar.DOUBLE;
      default -> null;
    };
  }

  private static Scalar mapKey(String name) {
    return switch (name) {
      case "java.lang.String" -> Scalar.STRING;
      case "java.lang.Integer" -> Scalar.INT32;
      case "java.lang.Long" -> Scalar.INT64;
      case "java.lang.Boolean" -> Scalar.BOOL;
      default -> null;
    };
  }

  static String erasureName(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return type.toString();
    }
    return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
  }
}
