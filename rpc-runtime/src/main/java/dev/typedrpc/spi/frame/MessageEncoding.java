package dev.typedrpc.spi.frame;

import java.util.Locale;

/**
 * How the messages of a frame-protocol connection travel: in the Protocol Buffers binary format
 * (the default) or, for debugging, as their proto3 JSON. A client asks for JSON with the target
 * parameter {@value #PARAMETER}{@code =}{@value #JSON} ({@code
 * ws://host:7070/rpc?message-encoding=json}, also on {@code wss:}, {@code sse:}, {@code sses:} and
 * {@code mem:}); it then lists {@code json} in its SETTINGS (field 9, {@code message_encodings}),
 * and so does every typedrpc server. A connection whose two SETTINGS both list it carries every
 * MESSAGE payload as the message's proto3 JSON in UTF-8; with a peer that does not (an older one),
 * it stays binary. See {@code docs/PROTOCOL.md}.
 */
public final class MessageEncoding {
  /** The target parameter that chooses the encoding: {@value}. */
  public static final String PARAMETER = "message-encoding";

  /** The parameter value, and the name in SETTINGS, of proto3 JSON messages: {@value}. */
  public static final String JSON = "json";

  /** The parameter value of binary messages, the default: {@value}. */
  public static final String BINARY = "binary";

  private MessageEncoding() {}

  /**
   * Whether {@code value} (a {@value #PARAMETER} parameter, null if absent) asks for JSON.
   *
   * @throws IllegalArgumentException naming the parameter and the values allowed, for any other
   *     value
   */
  public static boolean wantsJson(String value) {
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case JSON -> true;
      case BINARY -> false;
      default ->
          throw new IllegalArgumentException(
              PARAMETER + "=" + value + " is not supported: use " + JSON + " or " + BINARY);
    };
  }
}
