package dev.typedrpc.processor.parse;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * The Javadoc of a service's schema elements as plain comment text for the {@code .proto}: the
 * service and its methods, records, sealed interfaces and enums with their constants. A record
 * component or a parameter takes the {@code @param} text of its record or method. Inline tags keep
 * their text (<code>&#123;@code x&#125;</code> becomes {@code x}), block tags and HTML paragraph
 * tags are dropped.
 */
final class ProtoComments {
  private static final Pattern INLINE =
      Pattern.compile("\\{@(code|literal|link|linkplain|value)\\s+([^}]*)}");
  private static final Pattern TAG = Pattern.compile("</?(?:p|br|em|b|i|ul|ol|li|pre)\\s*/?>");
  private static final Pattern PARAM = Pattern.compile("^@param\\s+(\\S+)\\s*(.*)$");

  private final Elements elements;

  ProtoComments(Elements elements) {
    this.elements = elements;
  }

  /** Comments by proto name relative to the package (see {@code ServiceModel#comments}). */
  Map<String, String> of(Element service, String serviceName, Sites sites) {
    Map<String, String> out = new HashMap<>();
    put(out, serviceName, main(elements.getDocComment(service)));
    for (Map.Entry<String, Element> site : sites.all().entrySet()) {
      String key = site.getKey();
      String kind = key.substring(0, key.indexOf(' '));
      String name = key.substring(key.indexOf(' ') + 1);
      Element e = site.getValue();
      switch (kind) {
        case "enum", "value" -> put(out, name, main(elements.getDocComment(e)));
        case "message" -> {
          if (e instanceof TypeElement) { // not a request or response synthesized for a method
            put(out, name, main(elements.getDocComment(e)));
          }
        }
        case "method" -> put(out, serviceName + "." + name, main(elements.getDocComment(e)));
        case "field" -> {
          if (e.getKind() == ElementKind.PARAMETER || e.getKind() == ElementKind.FIELD) {
            String own = main(elements.getDocComment(e));
            Element owner = e.getEnclosingElement();
            put(
                out,
                name,
                own != null ? own : param(elements.getDocComment(owner), e.getSimpleName()));
          }
        }
        default -> {} // a oneof case: its record's comment is on the nested message
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, String key, String text) {
    if (text != null && !text.isEmpty()) {
      out.put(key, text);
    }
  }

  /** The main description: the text before the first block tag. */
  static String main(String doc) {
    if (doc == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (String line : doc.split("\n", -1)) {
      if (line.strip().startsWith("@")) {
        break;
      }
      out.append(line).append('\n');
    }
    return clean(out.toString());
  }

  /** The text of the {@code param} block tag for {@code name} in {@code doc}, or null. */
  static String param(String doc, CharSequence name) {
    if (doc == null) {
      return null;
    }
    StringBuilder out = null;
    for (String line : doc.split("\n", -1)) {
      String l = line.strip();
      if (l.startsWith("@")) {
        if (out != null) {
          break;
        }
        Matcher m = PARAM.matcher(l);
        if (m.matches() && m.group(1).contentEquals(name)) {
          out = new StringBuilder(m.group(2)).append('\n');
        }
      } else if (out != null) {
        out.append(l).append('\n');
      }
    }
    return out == null ? null : clean(out.toString());
  }

  private static String clean(String text) {
    String t =
        INLINE
            .matcher(text)
            .replaceAll(m -> Matcher.quoteReplacement(inline(m.group(1), m.group(2))));
    t = TAG.matcher(t).replaceAll("");
    StringBuilder out = new StringBuilder();
    for (String line : t.split("\n", -1)) {
      String l = line.startsWith(" ") ? line.substring(1) : line;
      out.append(l.stripTrailing()).append('\n');
    }
    return out.toString().strip().replaceAll("\n{3,}", "\n\n");
  }

  /** A link's label, or its target ({@code Foo#bar} → {@code Foo.bar}); other tags' text. */
  private static String inline(String tag, String body) {
    String b = body.strip();
    if (!tag.startsWith("link")) {
      return b;
    }
    int space = b.indexOf(' ');
    if (space > 0) {
      return b.substring(space + 1).strip();
    }
    String target = b.replace('#', '.');
    return target.startsWith(".") ? target.substring(1) : target;
  }
}
