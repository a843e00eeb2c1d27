package dev.typedrpc.netty.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of a transport address ({@code ?grpc-compression=gzip&tls-trust=/ca.pem}):
 * each at most once, percent-decoded ({@code +} stays a plus), and only those the address's scheme
 * takes.
 */
public final class AddressQuery {
  private AddressQuery() {}

  /**
   * The parameters of {@code uri}, in order.
   *
   * @throws IllegalArgumentException for a parameter not in {@code allowed} or given twice; the
   *     message names the parameters the address takes
   */
  public static Map<String, String> parse(URI uri, Set<String> allowed) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String part : raw.split("&", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String key = decode(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : decode(part.substring(eq + 1));
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(unknown(uri, key, allowed));
      }
      if (params.put(key, value) != null) {
        throw new IllegalArgumentException("query parameter " + key + " is given twice: " + uri);
      }
    }
    return params;
  }

  private static String unknown(URI uri, String key, Set<String> allowed) {
    String takes =
        allowed.isEmpty() ? "takes no query parameters" : "takes only " + new TreeSet<>(allowed);
    String hint =
        key.startsWith("tls-")
            ? " (tls-trust, tls-authority and a client's tls-cert and tls-key go on wss://, sses:// and"
                + " h2:// client addresses; tls-cert, tls-key, tls-client-auth and tls-client-trust on a"
                + " ws:// or wss:// listen address)"
            : "";
    return "unknown query parameter " + key + " in " + uri + ": this address " + takes + hint;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The address without its query (and fragment). */
  public static URI withoutQuery(URI uri) {
    if (uri.getRawQuery() == null) {
      return uri;
    }
    String s = uri.toString();
    return URI.create(s.substring(0, s.indexOf('?')));
  }
}
