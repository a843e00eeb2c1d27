package dev.typedrpc.bench.scale;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live objects of this JVM by class ({@code jcmd GC.class_histogram}, which collects first),
 * and what grew between two of them, per connection.
 */
final class ClassHistogram {
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** Instances and bytes of one class. */
  record Row(String className, long instances, long bytes) {}

  private final Map<String, Row> rows;

  private ClassHistogram(Map<String, Row> rows) {
    this.rows = rows;
  }

  /** Takes the histogram of this JVM through the DiagnosticCommand MBean. */
  static ClassHistogram take() {
    return parse(takeText());
  }

  /** The text of {@code jcmd <this JVM> GC.class_histogram}. */
  static String takeText() {
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      return (String) text;
    } catch (JMException e) {
      throw new IllegalStateException("cannot take a class histogram", e);
    }
  }

  static ClassHistogram parse(String text) {
    Map<String, Row> rows = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        rows.put(
            m.group(3),
            new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
      }
    }
    return new ClassHistogram(rows);
  }

  /**
   * The {@code top} classes that grew most from {@code before} to this one, as a Markdown table per
   * connection and per stream; the rest summed in one row.
   */
  String growthTable(ClassHistogram before, int connections, int streams, int top) {
    List<Row> grown = new ArrayList<>();
    long total = 0;
    for (Row row : rows.values()) {
      Row old = before.rows.getOrDefault(row.className(), new Row(row.className(), 0, 0));
      Row delta =
          new Row(row.className(), row.instances() - old.instances(), row.bytes() - old.bytes());
      total += delta.bytes();
      grown.add(delta);
    }
    grown.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
    StringBuilder table =
        new StringBuilder(
            """
            | class | instances per connection | bytes per connection | bytes per stream |
            |---|---:|---:|---:|
            """);
    long shown = 0;
    for (Row row : grown.subList(0, Math.min(top, grown.size()))) {
      shown += row.bytes();
      table.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %.2f | %,.0f | %,.0f |%n",
              row.className(),
              (double) row.instances() / connections,
              (double) row.bytes() / connections,
              (double) row.bytes() / streams));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "| everything else | | %,.0f | %,.0f |%n| **total** | | **%,.0f** | **%,.0f** |%n",
            (double) (total - shown) / connections,
            (double) (total - shown) / streams,
            (double) total / connections,
            (double) total / streams));
    return table.toString();
  }
}
