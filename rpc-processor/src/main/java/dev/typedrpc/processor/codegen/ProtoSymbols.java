package dev.typedrpc.processor.codegen;

import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.model.ValueType.WellKnown;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The symbols of one {@code .proto} file and protoc's name resolution over them, so that every type
 * reference is written as short as it can be while it still resolves to the intended type ({@code
 * Posted}, {@code RoomEvent.MemberJoined}), and fully qualified ({@code .pkg.Post}) where a shorter
 * name would be shadowed: in an {@code rpc} line a bare name is first looked up among the service's
 * methods ({@code rpc Post(Post)} names the method), and in a message a nested type hides an outer
 * one of the same name.
 */
final class ProtoSymbols {
  /** What a symbol is, as far as protoc's lookup cares. */
  enum Kind {
    PACKAGE,
    MESSAGE,
    ENUM,
    SERVICE,
    OTHER;

    boolean aggregate() {
      return this != OTHER;
    }

    boolean type() {
      return this == MESSAGE || this == ENUM;
    }
  }

  private final Map<String, Kind> symbols = new HashMap<>();
  private final String prefix;

  ProtoSymbols(ServiceModel s, Iterable<String> containers) {
    prefix = s.protoPackage().isEmpty() ? "" : s.protoPackage() + ".";
    String pkg = "";
    if (!s.protoPackage().isEmpty()) {
      for (String part : dotted(s.protoPackage())) {
        pkg = pkg.isEmpty() ? part : pkg + "." + part;
        symbols.put(pkg, Kind.PACKAGE);
      }
    }
    symbols.putIfAbsent("google", Kind.PACKAGE);
    symbols.putIfAbsent("google.protobuf", Kind.PACKAGE);
    symbols.put("google.protobuf.Empty", Kind.MESSAGE);
    for (WellKnown w : WellKnown.values()) {
      symbols.put(w.protoName(), Kind.MESSAGE);
    }
    String service = prefix + s.protoServiceName();
    symbols.put(service, Kind.SERVICE);
    for (MethodModel m : s.methods()) {
      symbols.put(service + "." + m.schemaName(), Kind.OTHER);
    }
    for (String c : containers) {
      symbols.put(prefix + c, Kind.MESSAGE);
    }
    for (MessageModel m : s.messages()) {
      String name = prefix + m.protoName();
      symbols.put(name, Kind.MESSAGE);
      for (FieldModel f : m.fields()) {
        symbols.put(name + "." + f.protoName(), Kind.OTHER);
      }
      for (OneofCase c : m.cases()) {
        symbols.put(name + "." + c.protoName(), Kind.OTHER);
      }
      if (m.kind() == MessageModel.Kind.ONEOF) {
        symbols.put(name + "." + ProtoGenerator.oneofName(m), Kind.OTHER);
      }
    }
    for (EnumModel e : s.enums()) {
      String name = prefix + e.protoName();
      symbols.put(name, Kind.ENUM);
      String parent = name.substring(0, name.lastIndexOf('.') + 1);
      for (EnumModel.Constant c : e.constants()) {
        symbols.put(parent + c.protoName(), Kind.OTHER);
      }
    }
  }

  /** The full name of a type named relative to the package ({@code google.protobuf.X} as is). */
  String full(String protoName) {
    return protoName.startsWith("google.protobuf.") ? protoName : prefix + protoName;
  }

  /**
   * How to write a reference to {@code protoName} from a field of message {@code scope} (or, with
   * {@code method}, from an rpc of the service named {@code scope}): the shortest trailing part of
   * its name that protoc resolves to it, else the fully qualified name with a leading dot.
   */
  String ref(String protoName, String scope, boolean method) {
    String target = full(protoName);
    String relativeTo = full(scope) + ".x"; // protoc starts from the member's own full name
    String[] parts = dotted(protoName);
    int start = protoName.startsWith("google.protobuf.") ? 0 : parts.length - 1;
    for (int i = start; i >= 0; i--) {
      String candidate = String.join(".", Arrays.copyOfRange(parts, i, parts.length));
      if (target.equals(resolve(candidate, relativeTo, !method))) {
        return candidate;
      }
      if (protoName.startsWith("google.protobuf.")) {
        break;
      }
    }
    return "." + target;
  }

  /** As protoc's {@code LookupSymbolNoPlaceholder}: the full name {@code name} resolves to. */
  private String resolve(String name, String relativeTo, boolean typesOnly) {
    int dot = name.indexOf('.');
    String first = dot < 0 ? name : name.substring(0, dot);
    String scope = relativeTo;
    while (true) {
      int cut = scope.lastIndexOf('.');
      if (cut < 0) {
        return symbols.containsKey(name) ? name : null;
      }
      scope = scope.substring(0, cut);
      String tryName = scope + "." + first;
      Kind kind = symbols.get(tryName);
      if (kind != null) {
        if (dot >= 0) {
          if (kind.aggregate()) {
            String whole = scope + "." + name;
            return symbols.containsKey(whole) ? whole : null;
          }
        } else if (!typesOnly || kind.type()) {
          return tryName;
        }
      }
    }
  }

  /** The dot-separated parts of a proto name ({@code a.b.C} → a, b, C). */
  private static String[] dotted(String name) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int from = 0;
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', from)) {
      parts.add(name.substring(from, dot));
      from = dot + 1;
    }
    parts.add(name.substring(from));
    return parts.toArray(new String[0]);
  }
}
