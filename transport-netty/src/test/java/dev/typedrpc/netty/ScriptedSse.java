package dev.typedrpc.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** The HTTP/1.1 and event-stream pieces of a scripted SSE server on plain sockets, for tests. */
final class ScriptedSse {
  private ScriptedSse() {}

  /** A request's head, up to and with its blank line. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in a request head");
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The request's content-length, 0 without one. */
  static int contentLength(String head) {
    for (String line : head.lines().toList()) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  /** One SSE event carrying {@code frame}, base64, as one HTTP chunk. */
  static void event(OutputStream out, byte[] frame) throws IOException {
    chunk(out, "data: " + Base64.getEncoder().encodeToString(frame) + "\n\n");
  }

  /** {@code text} as one HTTP chunk, flushed. */
  static void chunk(OutputStream out, String text) throws IOException {
    String chunk = Integer.toHexString(text.length()) + "\r\n" + text + "\r\n";
    out.write(chunk.getBytes(StandardCharsets.US_ASCII)); // one write: the peer may close after it
    out.flush();
  }
}
