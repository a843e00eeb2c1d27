package dev.typedrpc.processor.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A released schema: the JSON descriptor of one service as the processor wrote it then. Only what
 * the breaking-change check compares is kept.
 *
 * @param protoNaming the naming scheme of its proto names (1 when the descriptor does not say: the
 *     names of typedrpc before nested messages; see {@link BaselineUpgrade})
 */
public record Baseline(
    Path file,
    String service,
    int version,
    String javaInterface,
    int protoNaming,
    List<String> reservedNames,
    Map<String, Method> methods,
    Map<String, Msg> messages,
    Map<String, EnumType> enums) {

  /** A method, keyed by schema name. */
  public record Method(
      String name, String javaName, String callKind, String request, String response, int since) {}

  /** A field or {@code oneof} case ({@code label} singular, {@code javaName} the proto name). */
  public record Field(
      String name,
      String javaName,
      int number,
      String type,
      String keyType,
      String label,
      int since) {}

  /** A message, keyed by proto name; {@code cases} for a sealed interface. */
  public record Msg(
      String name,
      List<Field> fields,
      List<Field> cases,
      List<Integer> reservedNumbers,
      List<String> reservedNames) {}

  /** An enum, keyed by proto name. */
  public record EnumType(
      String name, List<Field> values, List<Integer> reservedNumbers, List<String> reservedNames) {}

  /**
   * The baseline of a service in {@code dir}: {@code <serviceName>.json}, or else the descriptor of
   * the same Java interface under another service name (a renamed service), or null if neither
   * exists (a service never released). Throws {@link IOException} or {@link
   * IllegalArgumentException} for an unreadable file.
   */
  public static Baseline find(Path dir, String serviceName, String javaInterface)
      throws IOException {
    Path file = dir.resolve(serviceName + ".json");
    if (Files.isRegularFile(file)) {
      return read(file);
    }
    if (!Files.isDirectory(dir)) {
      return null;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
      stream.forEach(files::add);
    }
    files.sort(null);
    for (Path f : files) {
      Baseline b = read(f);
      if (javaInterface.equals(b.javaInterface())) {
        return b;
      }
    }
    return null;
  }

  static Baseline read(Path file) throws IOException {
    Map<String, Object> root =
        map(JsonReader.parse(Files.readString(file, StandardCharsets.UTF_8)));
    Map<String, Method> methods = new LinkedHashMap<>();
    for (Map<String, Object> m : maps(root.get("methods"))) {
      Method method =
          new Method(
              str(m, "name"),
              str(m, "javaName"),
              str(m, "callKind"),
              str(m, "request"),
              str(m, "response"),
              num(m, "since"));
      methods.put(method.name(), method);
    }
    Map<String, Msg> messages = new LinkedHashMap<>();
    for (Map<String, Object> m : maps(root.get("messages"))) {
      List<Field> cases = new ArrayList<>();
      for (Map<String, Object> oneof : maps(m.get("oneofs"))) {
        cases.addAll(fields(oneof.get("fields")));
      }
      Msg msg =
          new Msg(
              str(m, "name"),
              fields(m.get("fields")),
              cases,
              numbers(m.get("reservedNumbers")),
              strings(m.get("reservedNames")));
      messages.put(msg.name(), msg);
    }
    Map<String, EnumType> enums = new LinkedHashMap<>();
    for (Map<String, Object> e : maps(root.get("enums"))) {
      EnumType type =
          new EnumType(
              str(e, "name"),
              fields(e.get("values")),
              numbers(e.get("reservedNumbers")),
              strings(e.get("reservedNames")));
      enums.put(type.name(), type);
    }
    return new Baseline(
        file,
        str(root, "service"),
        num(root, "version"),
        str(root, "javaInterface"),
        root.containsKey("protoNaming") ? num(root, "protoNaming") : 1,
        strings(root.get("reservedNames")),
        methods,
        messages,
        enums);
  }

  private static List<Field> fields(Object list) {
    List<Field> out = new ArrayList<>();
    for (Map<String, Object> f : maps(list)) {
      String name = str(f, "name");
      out.add(
          new Field(
              name,
              f.containsKey("javaName") ? str(f, "javaName") : name,
              num(f, "number"),
              f.containsKey("type") ? str(f, "type") : "",
              f.containsKey("keyType") ? str(f, "keyType") : null,
              f.containsKey("label") ? str(f, "label") : "singular",
              f.containsKey("since") ? num(f, "since") : 1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, found " + o);
    }
    return (Map<String, Object>) o;
  }

  private static List<Map<String, Object>> maps(Object o) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (o != null) {
      for (Object e : (List<?>) o) {
        out.add(map(e));
      }
    }
    return out;
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("\"" + key + "\" is missing or not a string");
    }
    return s;
  }

  private static int num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("\"" + key + "\" is missing or not a number");
    }
    return Math.toIntExact(l);
  }

  private static List<Integer> numbers(Object o) {
    List<Integer> out = new ArrayList<>();
    if (o != null) {
      for (Object e : (List<?>) o) {
        out.add(Math.toIntExact((Long) e));
      }
    }
    return out;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o != null) {
      for (Object e : (List<?>) o) {
        out.add((String) e);
      }
    }
    return out;
  }
}
