package dev.typedrpc.processor.parse;

import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import dev.typedrpc.processor.model.ValueType.WellKnownValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The breaking-change gate: compares a service with its released {@link Baseline} and reports each
 * incompatible difference under its rule ({@link Message#isBreakingRule()}) on the most specific
 * element, unless that element carries {@code @AcceptBreakingChange} for the rule (then a NOTE).
 * Wire identity is the number: fields, oneof cases and enum values are matched by number, methods
 * by schema name, messages and enums by proto name. A baseline written with the earlier proto names
 * is read in today's names ({@link BaselineUpgrade}).
 */
public final class BaselineCheck {
  private final ServiceModel service;
  private final Baseline baseline;
  private final Sites sites;
  private final Diagnostics diagnostics;
  private final Set<String> enumNames = new HashSet<>();
  private final List<String> added = new ArrayList<>();

  public BaselineCheck(
      ServiceModel service, Baseline baseline, Sites sites, Diagnostics diagnostics) {
    this.service = service;
    this.baseline = BaselineUpgrade.apply(baseline, service);
    this.sites = sites;
    this.diagnostics = diagnostics;
    enumNames.addAll(this.baseline.enums().keySet());
    for (EnumModel e : service.enums()) {
      enumNames.add(e.protoName());
    }
  }

  public void run() {
    if (!baseline.service().equals(service.serviceName())) {
      report(
          service.origin(),
          Message.SERVICE_RENAMED,
          baseline.service(),
          baseline.file().getFileName(),
          service.iface().simpleName(),
          service.serviceName(),
          baseline.service());
    }
    methods();
    for (MessageModel m : service.messages()) {
      Baseline.Msg old = baseline.messages().get(m.protoName());
      if (old != null) {
        fields(m, old);
        cases(m, old);
      }
    }
    for (EnumModel e : service.enums()) {
      Baseline.EnumType old = baseline.enums().get(e.protoName());
      if (old != null) {
        values(e, old);
      }
    }
    version();
  }

  private void version() {
    int next = baseline.version() + 1;
    if (service.version() < baseline.version()) {
      reportVersion(" (versions never go down)", baseline.version());
    } else if (!added.isEmpty() && service.version() == baseline.version()) {
      reportVersion(" but adds " + added.get(0), next);
    }
  }

  private void reportVersion(String why, int fix) {
    AnnotationMirror mirror = Annotations.mirror(service.origin(), RpcService.class).orElseThrow();
    report(
        service.origin(),
        mirror,
        Message.VERSION_NOT_BUMPED,
        service.serviceName(),
        service.version(),
        baseline.version(),
        why,
        fix);
  }

  /** An element new since the baseline must have {@code @Since} above the baseline version. */
  private void added(Element e, String what, int since) {
    added.add(what);
    if (since <= baseline.version()) {
      report(
          e,
          Message.SINCE_MISSING,
          baseline.version(),
          what,
          since,
          Math.max(service.version(), baseline.version() + 1));
    }
  }

  private void methods() {
    Map<String, MethodModel> current = new HashMap<>();
    for (MethodModel m : service.methods()) {
      current.put(m.schemaName(), m);
      Baseline.Method old = baseline.methods().get(m.schemaName());
      Element e = sites.method(m.schemaName());
      if (old == null) {
        added(e, "method " + m.javaName(), m.since());
        continue;
      }
      if (!old.callKind().equals(m.kind().name())) {
        report(e, Message.METHOD_CALL_KIND_CHANGED, m.javaName(), old.callKind(), m.kind().name());
      }
      if (!old.request().equals(m.requestProto())) {
        report(
            e, Message.METHOD_REQUEST_TYPE_CHANGED, m.javaName(), old.request(), m.requestProto());
      }
      if (!old.response().equals(m.responseProto())) {
        report(
            e,
            Message.METHOD_RESPONSE_TYPE_CHANGED,
            m.javaName(),
            old.response(),
            m.responseProto());
      }
    }
    for (Baseline.Method old : baseline.methods().values()) {
      if (!current.containsKey(old.name()) && !service.reservedNames().contains(old.javaName())) {
        report(
            service.origin(),
            Message.METHOD_NO_DELETE,
            old.javaName(),
            service.serviceName(),
            old.since());
      }
    }
  }

  private void fields(MessageModel m, Baseline.Msg old) {
    Element owner = sites.message(m.protoName());
    Map<Integer, FieldModel> byNumber = new HashMap<>();
    Map<String, FieldModel> byName = new HashMap<>();
    for (FieldModel f : m.fields()) {
      byNumber.put(f.number(), f);
      byName.put(f.protoName(), f);
    }
    Map<Integer, Baseline.Field> oldByNumber = new HashMap<>();
    Map<String, Baseline.Field> oldByName = new HashMap<>();
    for (Baseline.Field f : old.fields()) {
      oldByNumber.put(f.number(), f);
      oldByName.put(f.name(), f);
    }
    for (Baseline.Field was : old.fields()) {
      FieldModel now = byNumber.get(was.number());
      if (now == null && !byName.containsKey(was.name())) {
        deleted(owner, m, was, old.name(), "FIELD");
      }
    }
    for (FieldModel f : m.fields()) {
      Element e = sites.field(m.protoName(), f.protoName());
      String name = m.simpleName() + "." + f.name();
      Baseline.Field was = oldByNumber.get(f.number());
      Baseline.Field sameName = oldByName.get(f.protoName());
      if (sameName != null && sameName.number() != f.number()) {
        report(
            e,
            Message.FIELD_RENUMBERED,
            name,
            sameName.number(),
            f.number(),
            sameName.number(),
            sameName.number());
        continue;
      }
      if (was == null) {
        if (old.reservedNumbers().contains(f.number())) {
          report(e, Message.FIELD_NUMBER_REUSED, name, f.number(), "was reserved", f.name());
        } else {
          added(e, "field " + name, f.since());
        }
        continue;
      }
      if (!was.name().equals(f.protoName())) {
        if (byName.containsKey(was.name())) {
          report(
              e,
              Message.FIELD_NUMBER_REUSED,
              name,
              f.number(),
              "was field " + was.javaName(),
              f.name());
          continue;
        }
        report(e, Message.FIELD_RENAMED, f.number(), m.simpleName(), was.name(), f.protoName());
      }
      compareType(e, name, f, was);
    }
  }

  private void compareType(Element e, String name, FieldModel f, Baseline.Field was) {
    String label = f.label().name().toLowerCase(Locale.ROOT);
    String kind = cardinality(label);
    if (!kind.equals(cardinality(was.label()))) {
      report(e, Message.FIELD_CARDINALITY_CHANGED, name, f.number(), was.label(), label);
      return;
    }
    String type = f.value().protoName();
    boolean keys = f.key() == null || compatible(was.keyType(), f.key().protoName());
    if (!keys || !compatible(was.type(), type)) {
      report(
          e,
          Message.FIELD_WIRE_INCOMPATIBLE_TYPE,
          name,
          f.number(),
          describe(was.label(), was.keyType(), was.type()),
          describe(label, f.key() == null ? null : f.key().protoName(), type));
      return;
    }
    if (was.label().equals("singular") && label.equals("optional") && !isMessage(f.value())) {
      report(e, Message.FIELD_PRESENCE_CHANGED, name, f.number(), "optional", "singular");
    }
  }

  private static String describe(String label, String key, String type) {
    return switch (label) {
      case "map" -> "map<" + key + ", " + type + ">";
      case "singular" -> type;
      default -> label + " " + type;
    };
  }

  private static String cardinality(String label) {
    return label.equals("singular") || label.equals("optional") ? "single" : label;
  }

  /**
   * Protobuf's wire-compatible groups as they apply to the types typedrpc emits: bool, int32, int64
   * and enums are varints; string and bytes are length-delimited text or bytes; a message may
   * become bytes and back; float and double stand alone; messages must keep their name.
   */
  private boolean compatible(String a, String b) {
    String ga = group(a);
    String gb = group(b);
    if (ga.equals(gb)) {
      return true;
    }
    return (a.equals("bytes") && gb.startsWith("message "))
        || (b.equals("bytes") && ga.startsWith("message "));
  }

  private String group(String type) {
    return switch (type) {
      case "bool", "int32", "int64" -> "varint";
      case "float" -> "fixed32";
      case "double" -> "fixed64";
      case "string", "bytes" -> "length-delimited";
      default -> enumNames.contains(type) ? "varint" : "message " + type;
    };
  }

  private void cases(MessageModel m, Baseline.Msg old) {
    if (m.kind() != MessageModel.Kind.ONEOF) {
      return;
    }
    Element owner = sites.message(m.protoName());
    Map<Integer, OneofCase> byNumber = new HashMap<>();
    Map<String, OneofCase> byName = new HashMap<>();
    for (OneofCase c : m.cases()) {
      byNumber.put(c.number(), c);
      byName.put(c.protoName(), c);
    }
    Map<String, Baseline.Field> oldByName = new HashMap<>();
    Map<Integer, Baseline.Field> oldByNumber = new HashMap<>();
    for (Baseline.Field c : old.cases()) {
      oldByName.put(c.name(), c);
      oldByNumber.put(c.number(), c);
    }
    for (Baseline.Field was : old.cases()) {
      if (!byNumber.containsKey(was.number()) && !byName.containsKey(was.name())) {
        deleted(owner, m, was, old.name(), "CASE");
      }
    }
    for (OneofCase c : m.cases()) {
      Element e = sites.oneofCase(m.protoName(), c.protoName());
      String name = c.type().javaName().simpleName();
      Baseline.Field sameName = oldByName.get(c.protoName());
      if (sameName != null && sameName.number() != c.number()) {
        report(
            e,
            Message.ONEOF_CASE_RENUMBERED,
            name,
            sameName.number(),
            c.number(),
            sameName.number(),
            sameName.number());
      } else if (!oldByNumber.containsKey(c.number())) {
        added(e, "subtype " + m.simpleName() + "." + name, c.since());
      } else if (!oldByNumber.get(c.number()).name().equals(c.protoName())) {
        report(
            e,
            Message.FIELD_RENAMED,
            c.number(),
            m.simpleName(),
            oldByNumber.get(c.number()).name(),
            c.protoName());
      }
    }
  }

  /** A field or case gone from the current schema: fine only with number and name reserved. */
  private void deleted(
      Element owner, MessageModel m, Baseline.Field was, String proto, String what) {
    boolean number = m.reservedNumbers().contains(was.number());
    boolean name = m.reservedNames().contains(was.name());
    if (number && name) {
      return;
    }
    String javaName =
        what.equals("CASE") ? Names.upperCamel(snakeToCamel(was.name())) : was.javaName();
    String missing = !number && !name ? "number and name" : number ? "name" : "number";
    String fix =
        (!number ? "numbers = " + was.number() : "")
            + (!number && !name ? ", " : "")
            + (!name ? "names = \"" + javaName + "\"" : "");
    Message rule =
        what.equals("CASE")
            ? Message.ONEOF_CASE_NO_DELETE_UNLESS_RESERVED
            : Message.FIELD_NO_DELETE_UNLESS_RESERVED;
    report(owner, rule, javaName, was.number(), proto, missing, fix, m.simpleName());
  }

  private static String snakeToCamel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean up = false;
    for (int i = 0; i < snake.length(); i++) {
      char c = snake.charAt(i);
      if (c == '_') {
        up = true;
      } else {
        out.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return out.toString();
  }

  private void values(EnumModel e, Baseline.EnumType old) {
    Element owner = sites.enumType(e.protoName());
    Map<Integer, EnumModel.Constant> byNumber = new HashMap<>();
    Map<String, EnumModel.Constant> byName = new HashMap<>();
    for (EnumModel.Constant c : e.constants()) {
      byNumber.put(c.number(), c);
      byName.put(c.protoName(), c);
    }
    Map<Integer, Baseline.Field> oldByNumber = new HashMap<>();
    Map<String, Baseline.Field> oldByName = new HashMap<>();
    for (Baseline.Field v : old.values()) {
      oldByNumber.put(v.number(), v);
      oldByName.put(v.name(), v);
    }
    String simple = e.javaName().simpleName();
    for (Baseline.Field was : old.values()) {
      if (byNumber.containsKey(was.number()) || byName.containsKey(was.name())) {
        continue;
      }
      boolean number = e.reservedNumbers().contains(was.number());
      boolean name = e.reservedNames().contains(was.name());
      if (!number || !name) {
        String missing = !number && !name ? "number and name" : number ? "name" : "number";
        String fix =
            (!number ? "numbers = " + was.number() : "")
                + (!number && !name ? ", " : "")
                + (!name ? "names = \"" + was.javaName() + "\"" : "");
        report(
            owner,
            Message.ENUM_VALUE_NO_DELETE_UNLESS_RESERVED,
            was.javaName(),
            was.number(),
            simple,
            missing,
            fix,
            simple);
      }
    }
    for (EnumModel.Constant c : e.constants()) {
      Element site = sites.enumValue(e.protoName(), c.protoName());
      Baseline.Field sameName = oldByName.get(c.protoName());
      Baseline.Field was = oldByNumber.get(c.number());
      if (sameName != null && sameName.number() != c.number()) {
        report(
            site,
            Message.ENUM_VALUE_RENUMBERED,
            simple + "." + c.javaName(),
            sameName.number(),
            c.number(),
            sameName.number(),
            sameName.number());
      } else if (was == null) {
        added(site, "enum value " + simple + "." + c.javaName(), c.since());
      } else if (!was.name().equals(c.protoName())) {
        report(site, Message.ENUM_VALUE_RENAMED, c.number(), simple, was.name(), c.protoName());
      }
    }
  }

  private void report(Element e, Message rule, Object... args) {
    report(e, null, rule, args);
  }

  /**
   * Reports {@code rule} on {@code e} (and {@code mirror}, may be null), or a NOTE if {@code e}
   * accepts it with {@code @AcceptBreakingChange}.
   */
  private void report(Element site, AnnotationMirror mirror, Message rule, Object... args) {
    Element e = site == null ? service.origin() : site;
    String text = rule.format(args);
    for (AnnotationMirror accept : Annotations.accepts(e)) {
      if (rule.tag().equals(Annotations.value(accept, "rule").getValue())) {
        String reason = (String) Annotations.value(accept, "reason").getValue();
        diagnostics.report(
            Diagnostic.Kind.NOTE,
            e,
            accept,
            null,
            Message.BREAKING_CHANGE_ACCEPTED.format(rule.tag(), e.getSimpleName(), reason, text));
        return;
      }
    }
    Diagnostic.Kind kind = rule.isWarning() ? Diagnostic.Kind.WARNING : Diagnostic.Kind.ERROR;
    diagnostics.report(kind, e, mirror, null, text);
  }

  /** The {@code @AcceptBreakingChange} annotations of {@code e}, direct or repeated. */
  public static List<AnnotationMirror> accepts(Element e) {
    return Annotations.accepts(e);
  }

  /** The {@code rule} value of an {@code @AcceptBreakingChange}. */
  public static AnnotationValue rule(AnnotationMirror accept) {
    return Annotations.value(accept, "rule");
  }

  private static boolean isMessage(ValueType v) {
    return v instanceof MessageValue || v instanceof WellKnownValue;
  }
}
