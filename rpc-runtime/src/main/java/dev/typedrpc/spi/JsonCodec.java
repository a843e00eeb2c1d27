package dev.typedrpc.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.typedrpc.internal.json.JsonFactories;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads one message type in the canonical proto3 JSON mapping, with Jackson's streaming
 * parser and generator: field names in lowerCamelCase (the original {@code lower_snake} names are
 * accepted too), 64-bit integers as strings, bytes as base64, enums by name, {@code
 * google.protobuf.Timestamp} and {@code Duration} as strings, default values omitted. See {@code
 * docs/JSON.md} for the whole mapping.
 *
 * <p>The annotation processor generates an implementation per message, reachable through {@link
 * MessageCodec#json()} (so {@code ChatServiceRpc.POST.requestCodec().json()}); none uses
 * reflection. Implementations are stateless and thread-safe.
 *
 * <p>Reading is defensive: malformed JSON, a value of the wrong type, a duplicate field or oneof
 * case, or nesting deeper than {@link MessageCodec#MAX_DEPTH} messages throws {@link
 * InvalidJsonException} (an {@link IOException}, so a server answers {@code INVALID_ARGUMENT});
 * unknown fields are skipped.
 *
 * @param <T> the Java type of the message
 */
public interface JsonCodec<T> {
  /**
   * Writes {@code value} as one JSON object. Throws {@link NullPointerException} naming the field
   * if a required field is null, and {@link IllegalArgumentException} for what proto3 JSON cannot
   * express (a timestamp outside years 1 to 9999, an {@code @Unrecognized} enum constant) or
   * messages nested deeper than {@link MessageCodec#MAX_DEPTH} (usually a cycle).
   *
   * @param depth nesting depth of this message: 0 at the top level
   */
  void write(T value, JsonGenerator out, int depth) throws IOException;

  /**
   * Reads one message whose first token ({@code START_OBJECT}) is the parser's current token, up to
   * and including its {@code END_OBJECT}.
   *
   * @param depth nesting depth of this message: 0 at the top level
   */
  T read(JsonParser in, int depth) throws IOException;

  /**
   * The JSON factory {@link #toJson} and {@link #fromJson} use, with this runtime's limits (see
   * {@code docs/JSON.md}): transports make their parsers and generators with it.
   */
  static JsonFactory factory() {
    return JsonFactories.FACTORY;
  }

  /** Writes {@code value} as compact JSON. */
  default String toJson(T value) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = factory().createGenerator(text)) {
      write(value, out, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Writes {@code value} as compact UTF-8 JSON. */
  default byte[] toJsonBytes(T value) {
    return toJson(value).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads one message from the whole of {@code json}. */
  default T fromJson(String json) throws InvalidJsonException {
    try (JsonParser in = factory().createParser(json)) {
      return readDocument(in);
    } catch (InvalidJsonException e) {
      throw e;
    } catch (IOException e) {
      throw InvalidJsonException.of(e);
    }
  }

  /** Reads one message from the whole of {@code json} (UTF-8). */
  default T fromJson(byte[] json) throws InvalidJsonException {
    try (JsonParser in = factory().createParser(json)) {
      return readDocument(in);
    } catch (InvalidJsonException e) {
      throw e;
    } catch (IOException e) {
      throw InvalidJsonException.of(e);
    }
  }

  /**
   * Reads one message that must be the whole of what {@code in} holds: a top-level {@code null} or
   * anything after the message is an error.
   */
  default T readDocument(JsonParser in) throws IOException {
    JsonToken first = in.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidJsonException(
          "expected a JSON object, got " + (first == null ? "nothing" : in.getText()));
    }
    T value;
    try {
      value = read(in, 0);
    } catch (StreamReadException e) {
      throw InvalidJsonException.of(e);
    }
    JsonToken after = in.nextToken();
    if (after != null) {
      throw new InvalidJsonException("unexpected " + in.getText() + " after the JSON object");
    }
    return value;
  }
}
