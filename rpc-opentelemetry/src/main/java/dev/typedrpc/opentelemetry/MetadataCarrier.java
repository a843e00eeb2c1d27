package dev.typedrpc.opentelemetry;

import dev.typedrpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** Reads and writes propagation fields ({@code traceparent}, ...) as typedrpc text metadata. */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata.Builder> {
  INSTANCE;

  @Override
  public String get(Metadata carrier, String key) {
    if (carrier == null || key.endsWith(Metadata.BINARY_SUFFIX)) {
      return null;
    }
    return carrier.get(key);
  }

  @Override
  public void set(Metadata.Builder carrier, String key, String value) {
    if (carrier != null) {
      carrier.put(key, value);
    }
  }
}
