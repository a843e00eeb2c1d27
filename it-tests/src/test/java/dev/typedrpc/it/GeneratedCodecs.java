package dev.typedrpc.it;

import dev.typedrpc.spi.MessageCodec;
import java.lang.reflect.Field;

/** Reaches a generated codec that no method descriptor exposes (codecs are package-private). */
final class GeneratedCodecs {
  private GeneratedCodecs() {}

  @SuppressWarnings("unchecked")
  static <T> MessageCodec<T> get(String binaryName) {
    try {
      Field instance = Class.forName(binaryName).getDeclaredField("INSTANCE");
      instance.setAccessible(true);
      return (MessageCodec<T>) instance.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(binaryName, e);
    }
  }
}
