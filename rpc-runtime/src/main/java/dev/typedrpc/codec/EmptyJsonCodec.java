package dev.typedrpc.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.typedrpc.spi.JsonCodec;
import java.io.IOException;

/** {@code google.protobuf.Empty} as {@link Void} in JSON: writes {@code {}}, skips any fields. */
final class EmptyJsonCodec implements JsonCodec<Void> {
  static final EmptyJsonCodec INSTANCE = new EmptyJsonCodec();

  private EmptyJsonCodec() {}

  @Override
  public void write(Void value, JsonGenerator out, int depth) throws IOException {
    out.writeStartObject();
    out.writeEndObject();
  }

  @Override
  public Void read(JsonParser in, int depth) throws IOException {
    JsonValues.startObject(in);
    in.skipChildren();
    return null;
  }
}
