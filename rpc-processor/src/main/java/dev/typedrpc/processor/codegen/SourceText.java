package dev.typedrpc.processor.codegen;

import com.palantir.javapoet.JavaFile;
import java.util.regex.Pattern;

/**
 * The text of a generated source file, tidied where JavaPoet's line wrapping stops: no trailing
 * spaces (left by a wrap after {@code =}), and a type declaration too long for one line continues
 * with its {@code implements} clause on the next, as google-java-format does.
 */
public final class SourceText {
  /** The column limit of generated code, as of the project's own (google-java-format). */
  public static final int COLUMNS = 100;

  private static final Pattern TRAILING_SPACE = Pattern.compile("[ \t]+(?=\n)");

  private SourceText() {}

  public static String of(JavaFile file) {
    String text = TRAILING_SPACE.matcher(file.toString()).replaceAll("");
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (String line : text.split("\n", -1)) {
      int implementsAt = line.indexOf(" implements ");
      if (line.length() > COLUMNS && implementsAt > 0 && line.endsWith("{")) {
        int indent = line.length() - line.stripLeading().length();
        out.append(line, 0, implementsAt)
            .append('\n')
            .append(" ".repeat(indent + 4))
            .append(line, implementsAt + 1, line.length());
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }
}
