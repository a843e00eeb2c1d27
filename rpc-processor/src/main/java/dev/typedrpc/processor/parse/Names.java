package dev.typedrpc.processor.parse;

import dev.typedrpc.annotations.RpcService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
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

  /**
   * The proto field name of a Java name, in {@code lower_snake_case} with acronyms kept whole:
   * {@code postMessage} → {@code post_message}, {@code URL} → {@code url}, {@code httpServer} and
   * {@code HTTPServer} → {@code http_server}, {@code item_id} → {@code item_id}.
   */
  public static String lowerSnake(String javaName) {
    return String.join("_", words(javaName)).toLowerCase(Locale.ROOT);
  }

  /**
   * The Java constant name of a method, in {@code UPPER_SNAKE_CASE} with acronyms kept whole, split
   * into the same words as {@link #lowerSnake}: {@code postMessage} → {@code POST_MESSAGE}, {@code
   * getURL} → {@code GET_URL}, {@code HTTPServer} → {@code HTTP_SERVER}, {@code parseHTMLPage} →
   * {@code PARSE_HTML_PAGE}. Two names may meet ({@code getUrl} and {@code getURL}): the parser
   * reports that as a clash.
   */
  public static String upperSnake(String javaName) {
    return String.join("_", upperWords(javaName));
  }

  /**
   * The words of a Java name: split at underscores, before an upper-case letter that follows a
   * lower-case letter or digit, and before the last capital of an acronym that starts a word
   * ({@code HTTPServer} → {@code HTTP}, {@code Server}).
   */
  static List<String> words(String javaName) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < javaName.length(); i++) {
      char c = javaName.charAt(i);
      if (c == '_' || c == '$') {
        flush(words, word);
        continue;
      }
      if (Character.isUpperCase(c) && word.length() > 0) {
        char prev = javaName.charAt(i - 1);
        boolean nextLower =
            i + 1 < javaName.length() && Character.isLowerCase(javaName.charAt(i + 1));
        if (!Character.isUpperCase(prev) || nextLower) {
          flush(words, word);
        }
      }
      word.append(c);
    }
    flush(words, word);
    return words;
  }

  private static void flush(List<String> words, StringBuilder word) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  /** A name segment in PascalCase: {@code Post} stays, {@code my_type} → {@code MyType}. */
  static String pascal(String javaName) {
    if (javaName.indexOf('_') < 0 && javaName.indexOf('$') < 0) {
      return upperCamel(javaName);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int i = 0; i <= javaName.length(); i++) {
      if (i == javaName.length() || javaName.charAt(i) == '_' || javaName.charAt(i) == '$') {
        out.append(upperCamel(javaName.substring(from, i)));
        from = i + 1;
      }
    }
    return out.toString();
  }

  /**
   * The proto name of a record, sealed interface or enum, relative to the package. A type nested in
   * a record or sealed interface is a nested message of it ({@code RoomEvent.MemberJoined}); the
   * service interface adds nothing (its nested types are the service's own); any other enclosing
   * type is prefixed ({@code Holder.Post} → {@code HolderPost}). Segments are PascalCase. The name
   * depends on the type alone, so every service and the shared codecs agree on it.
   */
  public static String protoName(TypeElement type) {
    Deque<TypeElement> chain = new ArrayDeque<>();
    Element e = type;
    while (e != null && (e.getKind().isClass() || e.getKind().isInterface())) {
      chain.addFirst((TypeElement) e);
      e = e.getEnclosingElement();
    }
    List<String> segments = new ArrayList<>();
    StringBuilder prefix = new StringBuilder();
    for (TypeElement t : chain) {
      if (t != type && Annotations.mirror(t, RpcService.class).isPresent()) {
        continue;
      }
      prefix.append(pascal(t.getSimpleName().toString()));
      if (t == type || isMessageScope(t)) {
        segments.add(prefix.toString());
        prefix.setLength(0);
      }
    }
    return String.join(".", segments);
  }

  /** Whether a type can hold nested messages in the schema: a record or a sealed interface. */
  static boolean isMessageScope(TypeElement t) {
    return t.getKind() == ElementKind.RECORD
        || (t.getKind() == ElementKind.INTERFACE && t.getModifiers().contains(Modifier.SEALED));
  }

  /** The last segment of a proto name: {@code RoomEvent.MemberJoined} → {@code MemberJoined}. */
  public static String simpleProtoName(String protoName) {
    return protoName.substring(protoName.lastIndexOf('.') + 1);
  }

  /**
   * Proto enum value name: the constant in {@code UPPER_SNAKE_CASE}, prefixed once with the enum's
   * own name in {@code UPPER_SNAKE_CASE} (enum values are siblings of their enum, so the prefix
   * keeps them apart): {@code Color.RED} → {@code COLOR_RED}, {@code OrderStatus.UNSPECIFIED} and
   * {@code OrderStatus.ORDER_STATUS_UNSPECIFIED} → {@code ORDER_STATUS_UNSPECIFIED}, {@code
   * OrderStatus.STATUS_UNSPECIFIED} → {@code ORDER_STATUS_UNSPECIFIED} (the words the prefix ends
   * with and the constant starts with are written once).
   */
  public static String enumValue(String enumProtoName, String constant) {
    List<String> prefix = upperWords(simpleProtoName(enumProtoName));
    List<String> value = upperWords(constant);
    int overlap = 0;
    for (int n = Math.min(prefix.size(), value.size() - 1); n > 0; n--) {
      if (prefix.subList(prefix.size() - n, prefix.size()).equals(value.subList(0, n))) {
        overlap = n;
        break;
      }
    }
    List<String> all = new ArrayList<>(prefix);
    all.addAll(value.subList(overlap, value.size()));
    return String.join("_", all);
  }

  private static List<String> upperWords(String javaName) {
    List<String> out = new ArrayList<>();
    for (String w : words(javaName)) {
      out.add(w.toUpperCase(Locale.ROOT));
    }
    return out;
  }

  /** {@code postMessage} → {@code PostMessage}. */
  public static String upperCamel(String javaName) {
    return javaName.isEmpty()
        ? javaName
        : javaName.substring(0, 1).toUpperCase(Locale.ROOT) + javaName.substring(1);
  }
}
