package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ReservedMetadata;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * gRPC's HTTP/2 mapping (grpc/grpc {@code doc/PROTOCOL-HTTP2.md}): header names, {@code
 * grpc-timeout}, the percent-encoding of {@code grpc-message}, metadata as headers (binary {@code
 * -bin} values in base64) and the status of a response. Stateless.
 */
public final class GrpcWire {
  static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
  static final AsciiString TE = AsciiString.cached("te");
  static final AsciiString TRAILERS = AsciiString.cached("trailers");
  static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
  static final AsciiString GRPC_ENCODING = AsciiString.cached("grpc-encoding");
  static final AsciiString GRPC_ACCEPT_ENCODING = AsciiString.cached("grpc-accept-encoding");
  static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
  static final AsciiString POST = AsciiString.cached("POST");

  /** The method of the endpoint check ({@code GET <path>}, answered 204 or 404). */
  static final AsciiString GET = AsciiString.cached("GET");

  static final AsciiString HTTP = AsciiString.cached("http");
  static final AsciiString HTTPS = AsciiString.cached("https");
  static final AsciiString OK_200 = AsciiString.cached("200");
  static final String GZIP = "gzip";
  static final String IDENTITY = "identity";
  static final AsciiString ACCEPTED_ENCODINGS = AsciiString.cached("gzip");
  static final String USER_AGENT_VALUE = "typedrpc-netty";

  /**
   * The response headers of a call without metadata whose responses are not compressed, shared by
   * every such call: HTTP/2 only reads the headers it writes, and nothing changes these.
   */
  static final Http2Headers PLAIN_RESPONSE_HEADERS =
      new DefaultHttp2Headers()
          .status(OK_200)
          .set(CONTENT_TYPE, APPLICATION_GRPC)
          .set(GRPC_ACCEPT_ENCODING, ACCEPTED_ENCODINGS);

  /** The trailers of a call that ended OK, without a message or metadata, shared likewise. */
  static final Http2Headers OK_TRAILERS =
      new DefaultHttp2Headers().set(GRPC_STATUS, AsciiString.cached("0"));

  /** Headers the transport writes itself: application metadata with these keys is not sent. */
  private static final Set<String> RESERVED =
      Set.of(
          "content-type",
          "te",
          "content-length",
          "connection",
          "host",
          "user-agent",
          "grpc-timeout",
          "grpc-encoding",
          "grpc-accept-encoding",
          "grpc-status",
          "grpc-message");

  /** A timeout value has at most 8 digits. */
  private static final long MAX_TIMEOUT_VALUE = 99_999_999L;

  private static final Map<Character, TimeUnit> UNITS =
      Map.of(
          'H',
          TimeUnit.HOURS,
          'M',
          TimeUnit.MINUTES,
          'S',
          TimeUnit.SECONDS,
          'm',
          TimeUnit.MILLISECONDS,
          'u',
          TimeUnit.MICROSECONDS,
          'n',
          TimeUnit.NANOSECONDS);

  private GrpcWire() {}

  /** {@code application/grpc}, optionally with a {@code +format} or parameters. */
  static boolean isGrpcContentType(CharSequence value) {
    if (value == null) {
      return false;
    }
    if (APPLICATION_GRPC.contentEquals(value)) {
      return true; // what gRPC clients and servers send: no copy of the value
    }
    String v = value.toString().toLowerCase(java.util.Locale.ROOT);
    return v.equals("application/grpc")
        || v.startsWith("application/grpc+")
        || v.startsWith("application/grpc;");
  }

  // ------------------------------------------------------------------ grpc-timeout

  /**
   * The shortest exact-enough encoding of a timeout: at most 8 digits and a unit. Expired gives
   * {@code 1n}.
   */
  static String encodeTimeout(long nanos) {
    if (nanos <= 0) {
      return "1n";
    }
    TimeUnit[] units = {
      TimeUnit.NANOSECONDS,
      TimeUnit.MICROSECONDS,
      TimeUnit.MILLISECONDS,
      TimeUnit.SECONDS,
      TimeUnit.MINUTES,
      TimeUnit.HOURS
    };
    char[] names = {'n', 'u', 'm', 'S', 'M', 'H'};
    for (int i = 0; i < units.length; i++) {
      long v = units[i].convert(nanos, TimeUnit.NANOSECONDS);
      if (v <= MAX_TIMEOUT_VALUE) {
        // round up so the server never sees less time than the client has
        if (units[i].toNanos(v) < nanos) {
          v++;
        }
        return v + String.valueOf(names[i]);
      }
    }
    return MAX_TIMEOUT_VALUE + "H";
  }

  /**
   * Nanoseconds of a {@code grpc-timeout} value; throws {@link IllegalArgumentException} if
   * malformed.
   */
  public static long parseTimeout(CharSequence value) {
    int n = value.length();
    if (n < 2 || n > 9) {
      throw new IllegalArgumentException(
          "grpc-timeout must be 1 to 8 digits and a unit: '" + value + "'");
    }
    TimeUnit unit = UNITS.get(value.charAt(n - 1));
    if (unit == null) {
      throw new IllegalArgumentException("grpc-timeout has an unknown unit: '" + value + "'");
    }
    long v = 0;
    for (int i = 0; i < n - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "grpc-timeout must be 1 to 8 digits and a unit: '" + value + "'");
      }
      v = v * 10 + (c - '0');
    }
    return unit.toNanos(v); // saturates
  }

  // ------------------------------------------------------------------ grpc-message

  /**
   * Percent-encodes the UTF-8 bytes of a status message: everything but printable ASCII other than
   * '%'.
   */
  public static String encodeMessage(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /**
   * Decodes a percent-encoded status message; a malformed escape is kept as it is, as the spec
   * asks.
   */
  static String decodeMessage(CharSequence value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%'
          && i + 2 < value.length()
          && hex(value.charAt(i + 1)) >= 0
          && hex(value.charAt(i + 2)) >= 0) {
        out.write(hex(value.charAt(i + 1)) << 4 | hex(value.charAt(i + 2)));
        i += 2;
      } else {
        out.write(c & 0xff);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  // ------------------------------------------------------------------ metadata

  /** Adds application metadata as headers; keys reserved by the protocol are left out. */
  static void putMetadata(Metadata metadata, Http2Headers headers) {
    for (Metadata.Entry e : metadata.entries()) {
      String key = e.key();
      if (RESERVED.contains(key) || ReservedMetadata.isReserved(key)) {
        continue;
      }
      if (e.isBinary()) {
        headers.add(key, Base64.getEncoder().encodeToString(e.value()));
      } else {
        headers.add(key, new AsciiString(e.value(), false));
      }
    }
  }

  /**
   * The application metadata among headers (pseudo-headers and reserved keys left out; {@code -bin}
   * values decoded from base64, padded or not; an undecodable or non-printable value is dropped).
   *
   * @throws IllegalStateException if the metadata is larger than {@code maxSize} bytes
   */
  static Metadata metadata(Http2Headers headers, int maxSize) {
    Metadata.Builder md = null;
    int total = 0;
    for (Map.Entry<CharSequence, CharSequence> h : headers) {
      CharSequence name = h.getKey();
      if (transportOnly(name)) {
        continue; // named without a copy of the name: pseudo-headers and reserved keys
      }
      String key = name.toString();
      // grpc-encoding, grpc-accept-encoding and user-agent are handed over (as gRPC-Java does), so
      // a server can tell whether a request came compressed
      if (ReservedMetadata.isReserved(key) || !validKey(key)) {
        continue;
      }
      CharSequence value = h.getValue();
      total += key.length() + value.length();
      if (total > maxSize) {
        throw new IllegalStateException("metadata exceeds the limit of " + maxSize + " bytes");
      }
      if (md == null) {
        md = Metadata.builder();
      }
      if (key.endsWith(Metadata.BINARY_SUFFIX)) {
        try {
          md.putRaw(key, Base64.getDecoder().decode(value.toString().trim()));
        } catch (IllegalArgumentException e) {
          // an undecodable binary value is not the application's: drop it
        }
      } else if (printable(value)) {
        md.putRaw(key, value.toString().getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return md == null ? Metadata.EMPTY : md.build();
  }

  /** The reserved keys as HPACK decodes names: compared without making a string. */
  private static final Set<AsciiString> RESERVED_NAMES = asciiSet(ReservedMetadata.KEYS);

  private static Set<AsciiString> asciiSet(Set<String> keys) {
    Set<AsciiString> set = new java.util.HashSet<>();
    for (String k : keys) {
      set.add(AsciiString.cached(k));
    }
    return Set.copyOf(set);
  }

  /**
   * Whether a header name is the transport's (a pseudo-header or a {@link ReservedMetadata} key),
   * decided on the name as decoded: what {@link ReservedMetadata#isReserved} says of its string.
   */
  static boolean transportOnly(CharSequence name) {
    if (name.length() > 0 && name.charAt(0) == ':') {
      return true;
    }
    return name instanceof AsciiString a && RESERVED_NAMES.contains(a);
  }

  /** Whether {@code key} is a valid metadata key ({@link Metadata#checkKey}). */
  public static boolean validKey(String key) {
    try {
      Metadata.checkKey(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code v} is printable ASCII, as a text metadata value must be. */
  public static boolean printable(CharSequence v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ status

  /** Trailers (or the headers of a trailers-only response) carrying a status and metadata. */
  static Http2Headers statusHeaders(Http2Headers headers, Status status, Metadata trailers) {
    headers.set(GRPC_STATUS, AsciiString.of(Integer.toString(status.code().value())));
    if (status.description() != null && !status.description().isEmpty()) {
      headers.set(GRPC_MESSAGE, encodeMessage(status.description()));
    }
    putMetadata(trailers, headers);
    return headers;
  }

  /** Response headers of a trailers-only response: {@code :status 200}, content type, status. */
  static Http2Headers trailersOnly(Status status, Metadata trailers) {
    Http2Headers h = new DefaultHttp2Headers().status(OK_200).set(CONTENT_TYPE, APPLICATION_GRPC);
    return statusHeaders(h, status, trailers);
  }

  /**
   * The status a response ends with: {@code grpc-status} and {@code grpc-message}, or, when the
   * server sent no {@code grpc-status}, the HTTP status mapped as gRPC's {@code
   * doc/http-grpc-status-mapping.md} says.
   */
  static Status status(Http2Headers trailers, CharSequence httpStatus) {
    CharSequence code = trailers.get(GRPC_STATUS);
    if (code == null) {
      return fromHttpStatus(httpStatus);
    }
    Status status;
    try {
      status = Status.Code.fromValue(Integer.parseInt(code.toString().trim())).toStatus();
    } catch (NumberFormatException e) {
      return Status.UNKNOWN.withDescription("malformed grpc-status '" + code + "'");
    }
    CharSequence message = trailers.get(GRPC_MESSAGE);
    return message == null ? status : status.withDescription(decodeMessage(message));
  }

  static Status fromHttpStatus(CharSequence httpStatus) {
    int http;
    try {
      http = httpStatus == null ? -1 : Integer.parseInt(httpStatus.toString());
    } catch (NumberFormatException e) {
      http = -1;
    }
    Status.Code code =
        switch (http) {
          case 200 -> Status.Code.UNKNOWN; // a gRPC response without grpc-status
          case 400 -> Status.Code.INTERNAL;
          case 401 -> Status.Code.UNAUTHENTICATED;
          case 403 -> Status.Code.PERMISSION_DENIED;
          case 404 -> Status.Code.UNIMPLEMENTED;
          case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
          default -> http == -1 ? Status.Code.INTERNAL : Status.Code.UNKNOWN;
        };
    return code.toStatus()
        .withDescription(
            http == 200
                ? "the server sent no grpc-status"
                : "HTTP status " + (http == -1 ? "missing" : http) + " without grpc-status");
  }

  /** Whether a {@code grpc-accept-encoding} value lists gzip. */
  static boolean acceptsGzip(CharSequence acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    if (ACCEPTED_ENCODINGS.contentEqualsIgnoreCase(acceptEncoding)) {
      return true; // "gzip" alone, as typedrpc and gRPC-Java send it: no split
    }
    for (String s : acceptEncoding.toString().split(",", -1)) {
      if (s.trim().equalsIgnoreCase(GZIP)) {
        return true;
      }
    }
    return false;
  }

  /** Most characters of a GOAWAY's debug data a status description quotes. */
  private static final int MAX_DEBUG_TEXT = 256;

  /**
   * A GOAWAY's debug data as text for a status description ({@code ": <text>"}), or "" if it has
   * none: printable ASCII kept, anything else shown as '?', at most {@link #MAX_DEBUG_TEXT}
   * characters.
   */
  static String goAwayDebugText(ByteBuf debugData) {
    int n = Math.min(debugData.readableBytes(), MAX_DEBUG_TEXT);
    if (n == 0) {
      return "";
    }
    StringBuilder text = new StringBuilder(n + 2).append(": ");
    for (int i = 0; i < n; i++) {
      int c = debugData.getByte(debugData.readerIndex() + i) & 0xff;
      text.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return text.toString();
  }
}
