package dev.typedrpc.processor.codegen;

import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.ServiceModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the JSON descriptor of a service: stable key order, two-space indentation, one trailing
 * newline. The schema-evolution check and other tools read it.
 *
 * <p>The <em>fingerprint</em> is the first 16 hex digits of the SHA-256 of the canonical
 * descriptor: this same text (UTF-8) without the keys that do not change what goes over the wire,
 * namely every key starting with {@code java} (Java interface, type and member names), {@code
 * deprecated} and {@code fingerprint} itself. So renaming the Java interface, moving a record to
 * another package or deprecating a method keeps the fingerprint; any change of names, numbers,
 * types, versions or {@code since} values on the wire changes it.
 */
public final class JsonGenerator {
  private static final int FINGERPRINT_HEX_DIGITS = 16;

  /**
   * The naming scheme of the names in the descriptor: 2 since nested messages ({@code
   * Outer.Inner}), acronym-aware snake case and enum values prefixed once; descriptors without the
   * key were written with scheme 1, which the breaking-change gate still reads.
   */
  public static final int PROTO_NAMING = 2;

  private JsonGenerator() {}

  public static String generate(ServiceModel s) {
    StringBuilder out = new StringBuilder();
    write(out, tree(s, fingerprint(s)), "");
    return out.append('\n').toString();
  }

  /** The schema fingerprint of {@code s}, as defined above. */
  public static String fingerprint(ServiceModel s) {
    StringBuilder out = new StringBuilder();
    write(out, canonical(tree(s, "")), "");
    out.append('\n');
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(out.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, FINGERPRINT_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code value} without the keys the fingerprint ignores. */
  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = (String) e.getKey();
        if (!key.startsWith("java") && !key.equals("deprecated") && !key.equals("fingerprint")) {
          out.put(key, canonical(e.getValue()));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(canonical(o));
      }
      return out;
    }
    return value;
  }

  private static Map<String, Object> tree(ServiceModel s, String fingerprint) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("service", s.serviceName());
    root.put("version", s.version());
    root.put("fingerprint", fingerprint);
    root.put("javaInterface", s.iface().canonicalName());
    root.put("protoPackage", s.protoPackage());
    root.put("protoNaming", PROTO_NAMING);
    root.put("reservedNames", s.reservedNames());
    List<Object> methods = new ArrayList<>();
    for (MethodModel m : s.methods()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", m.schemaName());
      o.put("javaName", m.javaName());
      o.put("callKind", m.kind().name());
      o.put("request", m.requestProto());
      o.put("response", m.responseProto());
      o.put("since", m.since());
      deprecated(o, m.deprecated());
      methods.add(o);
    }
    root.put("methods", methods);
    List<Object> messages = new ArrayList<>();
    for (MessageModel m : s.messages()) {
      messages.add(message(m));
    }
    root.put("messages", messages);
    List<Object> enums = new ArrayList<>();
    for (EnumModel e : s.enums()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", e.protoName());
      o.put("javaType", e.javaName().canonicalName());
      List<Object> values = new ArrayList<>();
      for (EnumModel.Constant c : e.constants()) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", c.protoName());
        v.put("javaName", c.javaName());
        v.put("number", c.number());
        v.put("since", c.since());
        deprecated(v, c.deprecated());
        values.add(v);
      }
      o.put("values", values);
      if (e.unrecognized() != null) {
        o.put("javaUnrecognized", e.unrecognized().javaName());
      }
      o.put("reservedNumbers", e.reservedNumbers());
      o.put("reservedNames", e.reservedNames());
      enums.add(o);
    }
    root.put("enums", enums);
    return root;
  }

  /** Adds {@code "deprecated": true} to deprecated elements only, to keep descriptors short. */
  private static void deprecated(Map<String, Object> o, boolean deprecated) {
    if (deprecated) {
      o.put("deprecated", true);
    }
  }

  private static Map<String, Object> message(MessageModel m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("name", m.protoName());
    o.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
    o.put("javaType", m.javaType().toString());
    List<Object> fields = new ArrayList<>();
    for (FieldModel f : m.fields()) {
      Map<String, Object> fo = new LinkedHashMap<>();
      fo.put("name", f.protoName());
      fo.put("javaName", f.name());
      fo.put("number", f.number());
      fo.put("type", f.value().protoName());
      if (f.key() != null) {
        fo.put("keyType", f.key().protoName());
      }
      fo.put("label", f.label().name().toLowerCase(Locale.ROOT));
      fo.put("since", f.since());
      deprecated(fo, f.deprecated());
      fields.add(fo);
    }
    o.put("fields", fields);
    List<Object> oneofs = new ArrayList<>();
    if (m.kind() == MessageModel.Kind.ONEOF) {
      List<Object> cases = new ArrayList<>();
      for (OneofCase c : m.cases()) {
        Map<String, Object> co = new LinkedHashMap<>();
        co.put("name", c.protoName());
        co.put("number", c.number());
        co.put("type", c.type().protoName());
        co.put("since", c.since());
        deprecated(co, c.deprecated());
        cases.add(co);
      }
      Map<String, Object> oneof = new LinkedHashMap<>();
      oneof.put("name", ProtoGenerator.oneofName(m));
      oneof.put("fields", cases);
      oneofs.add(oneof);
      if (m.unrecognized() != null) {
        o.put("javaUnrecognized", m.unrecognized().canonicalName());
      }
    }
    o.put("oneofs", oneofs);
    o.put("reservedNumbers", m.reservedNumbers());
    o.put("reservedNames", m.reservedNames());
    return o;
  }

  private static void write(StringBuilder out, Object value, String indent) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      String inner = indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(inner);
        string(out, (String) e.getKey());
        out.append(": ");
        write(out, e.getValue(), inner);
        out.append(++i < map.size() ? ",\n" : "\n");
      }
      out.append(indent).append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      boolean simple = !(list.get(0) instanceof Map);
      if (simple) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ", ");
          write(out, list.get(i), indent);
        }
        out.append(']');
        return;
      }
      out.append("[\n");
      String inner = indent + "  ";
      for (int i = 0; i < list.size(); i++) {
        out.append(inner);
        write(out, list.get(i), inner);
        out.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else if (value instanceof String s) {
      string(out, s);
    } else {
      out.append(value);
    }
  }

  /** A JSON string literal with RFC 8259 escaping. */
  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
