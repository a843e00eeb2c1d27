package dev.typedrpc.internal;

import dev.typedrpc.spi.WebResource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Static files from a class-path directory, by HTTP path: {@code /} and paths ending in {@code /}
 * mean their {@code index.html}; the query is ignored. A path with {@code ..}, {@code %}, a
 * backslash, an empty segment, a segment starting with a dot or a control character is never looked
 * up, so nothing outside the directory is reachable; a file larger than {@link #MAX_SIZE} is not
 * served. Found files are kept (at most {@link #MAX_CACHED}; the class path does not change while a
 * server runs). Thread-safe.
 */
public final class StaticResources {
  /** Largest file served: 8 MiB. */
  public static final int MAX_SIZE = 8 << 20;

  /** Most files kept in memory; beyond it a file is read again on every request. */
  static final int MAX_CACHED = 256;

  private static final int MAX_PATH = 512;

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"));

  private final String directory;
  private final ClassLoader loader;
  private final ConcurrentHashMap<String, WebResource> cache = new ConcurrentHashMap<>();

  /**
   * @param directory the class-path directory, e.g. {@code web} or {@code META-INF/resources}
   * @param loader where to look it up
   */
  public StaticResources(String directory, ClassLoader loader) {
    String d = Objects.requireNonNull(directory, "directory");
    while (d.startsWith("/")) {
      d = d.substring(1);
    }
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || !safe("/" + d)) {
      throw new IllegalArgumentException("not a class-path directory: " + directory);
    }
    this.directory = d;
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  /** The file for the request target {@code uri} (path and query), or null. */
  public WebResource find(String uri) {
    String path = uri;
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (path.endsWith("/")) {
      path = path + "index.html";
    }
    if (!safe(path)) {
      return null;
    }
    WebResource cached = cache.get(path);
    if (cached != null) {
      return cached;
    }
    WebResource loaded = load(path);
    if (loaded != null && cache.size() < MAX_CACHED) {
      cache.putIfAbsent(path, loaded);
    }
    return loaded;
  }

  private WebResource load(String path) {
    URL url = loader.getResource(directory + path);
    if (url == null) {
      return null;
    }
    try {
      URLConnection connection = url.openConnection();
      connection.setUseCaches(false); // a jar's entries are read afresh, not from a shared JarFile
      byte[] body;
      try (InputStream in = connection.getInputStream()) {
        body = in.readNBytes(MAX_SIZE + 1);
      }
      if (body.length > MAX_SIZE || isDirectory(url)) {
        return null;
      }
      return new WebResource(body, contentType(path), etag(body));
    } catch (IOException e) {
      return null; // a directory in a jar, or unreadable: not a file to serve
    }
  }

  /** A {@code file:} URL of a directory reads as its listing: that is no file. */
  private static boolean isDirectory(URL url) {
    if (!"file".equals(url.getProtocol())) {
      return false;
    }
    try {
      return Files.isDirectory(Path.of(url.toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return true;
    }
  }

  static boolean safe(String path) {
    if (!path.startsWith("/") || path.length() > MAX_PATH) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':') {
        return false;
      }
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 27)
          + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "StaticResources[" + directory + "]";
  }
}
