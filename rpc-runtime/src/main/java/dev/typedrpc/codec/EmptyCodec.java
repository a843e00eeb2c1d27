package dev.typedrpc.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * {@code google.protobuf.Empty} as {@link Void}: encodes nothing, skips any fields on decode and
 * returns null. Used for methods without parameters and for {@code void} results.
 */
public final class EmptyCodec implements MessageCodec<Void> {
  public static final EmptyCodec INSTANCE = new EmptyCodec();

  private EmptyCodec() {}

  /** {@code {}}: reads any object, skipping its fields. */
  @Override
  public JsonCodec<Void> json() {
    return EmptyJsonCodec.INSTANCE;
  }

  @Override
  public int encodedSize(Void value) {
    return 0;
  }

  @Override
  public void encode(Void value, CodedOutputStream out) {}

  @Override
  public Void decode(CodedInputStream in, int depth) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (!in.skipField(tag)) {
        break;
      }
    }
    return null;
  }
}
