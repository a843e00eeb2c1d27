package dev.typedrpc.sample.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the users file of {@code chat server --users FILE}: one user a line, {@code NAME TOKEN}
 * separated by white space; blank lines and lines starting with {@code #} are ignored. Names are 1
 * to 32 characters, tokens at least {@value #MIN_TOKEN} characters (e.g. {@code openssl rand -hex
 * 16}); neither may repeat.
 */
final class UsersFile {
  static final int MIN_TOKEN = 16;

  private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

  private UsersFile() {}

  /** Name to token, in file order. */
  static Map<String, String> read(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Name to token from {@code lines}.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> users = new LinkedHashMap<>();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      String[] parts = WHITE_SPACE.split(line, -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException(where + "expected NAME TOKEN");
      }
      String name = parts[0];
      String token = parts[1];
      if (name.length() > ChatServer.MAX_USER) {
        throw new IllegalArgumentException(
            where + "user names are 1 to " + ChatServer.MAX_USER + " characters");
      }
      if (token.length() < MIN_TOKEN) {
        throw new IllegalArgumentException(
            where
                + "the token of "
                + name
                + " is shorter than "
                + MIN_TOKEN
                + " characters (make one with: openssl rand -hex 16)");
      }
      if (users.containsKey(name)) {
        throw new IllegalArgumentException(where + name + " is listed twice");
      }
      if (!tokens.add(token)) {
        throw new IllegalArgumentException(where + "the token of " + name + " is another's too");
      }
      users.put(name, token);
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException(source + ": no users (lines of NAME TOKEN)");
    }
    return users;
  }
}
