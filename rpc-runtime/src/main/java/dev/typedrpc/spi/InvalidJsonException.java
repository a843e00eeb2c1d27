package dev.typedrpc.spi;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/**
 * JSON that is not a valid proto3 JSON encoding of the expected message: malformed, truncated, a
 * value of the wrong type or out of range, too deep or too large. A server answers a request that
 * fails so with {@code INVALID_ARGUMENT}. The message names where in the document it failed, as a
 * JSON pointer ({@code /replies/0/count}).
 */
public final class InvalidJsonException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidJsonException(String message) {
    super(message);
  }

  public InvalidJsonException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An error at the parser's current position. */
  public static InvalidJsonException at(JsonParser in, String message) {
    return new InvalidJsonException("at " + pointer(in) + ": " + message);
  }

  /** Wraps an error of the JSON parser itself (syntax, truncation, a limit), or any I/O error. */
  public static InvalidJsonException of(IOException e) {
    if (e instanceof InvalidJsonException invalid) {
      return invalid;
    }
    String message = e.getMessage();
    if (e instanceof JsonProcessingException p) {
      message = p.getOriginalMessage();
      JsonLocation where = p.getLocation();
      if (where != null) {
        message += " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
      }
    }
    return new InvalidJsonException("invalid JSON: " + message, e);
  }

  private static String pointer(JsonParser in) {
    String pointer = in.getParsingContext().pathAsPointer().toString();
    return pointer.isEmpty() ? "/" : pointer;
  }
}
