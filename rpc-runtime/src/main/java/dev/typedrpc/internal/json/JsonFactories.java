package dev.typedrpc.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import dev.typedrpc.spi.MessageCodec;

/** The shared JSON factory of proto3 JSON codecs, with the limits documented in docs/JSON.md. */
public final class JsonFactories {
  /**
   * JSON nesting allowed: a message nests at most {@link MessageCodec#MAX_DEPTH} levels, each one
   * object, plus one array or map object per level, and a little slack for the top level.
   */
  public static final int MAX_NESTING = 2 * MessageCodec.MAX_DEPTH + 4;

  /** Longest string value, in characters: 64 MiB of base64 bytes or text. */
  public static final int MAX_STRING = 64 << 20;

  /** Longest field name, in characters. */
  public static final int MAX_NAME = 64 << 10;

  /** Longest number literal, in characters. */
  public static final int MAX_NUMBER = 1000;

  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING)
                  .maxStringLength(MAX_STRING)
                  .maxNameLength(MAX_NAME)
                  .maxNumberLength(MAX_NUMBER)
                  .build())
          .streamWriteConstraints(
              StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private JsonFactories() {}
}
