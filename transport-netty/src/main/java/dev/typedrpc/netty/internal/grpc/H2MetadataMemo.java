package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Metadata;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * The application metadata of the last header block one connection decoded, reused for the next
 * block whose application headers are the very same objects. HPACK hands a header it has indexed
 * (every repeated header of a client or server that indexes, as Netty's and gRPC-Java's encoders
 * do) as the same name and value objects each time, so the metadata of such headers is made once
 * per connection instead of once per call: the names and values as strings, their bytes, the
 * entries and the list. Identical objects are equal contents, and {@link Metadata} is immutable, so
 * the result is what {@link GrpcWire#metadata} would have made. Keeps at most {@link #MAX} headers.
 * Confined to the connection's event loop.
 */
final class H2MetadataMemo {
  /** Application headers a remembered block may have. */
  static final int MAX = 8;

  private final CharSequence[] names = new CharSequence[MAX];
  private final CharSequence[] values = new CharSequence[MAX];

  /** Headers remembered, or -1 for none. */
  private int count = -1;

  private Metadata last;

  /**
   * {@link GrpcWire#metadata}{@code (headers, maxSize)}, or the same metadata as the last time.
   *
   * @throws IllegalStateException if the metadata is larger than {@code maxSize} bytes
   */
  Metadata metadata(Http2Headers headers, int maxSize) {
    if (count >= 0 && sameAsLast(headers)) {
      return last;
    }
    Metadata md = GrpcWire.metadata(headers, maxSize); // throws before anything is remembered
    int n = 0;
    for (Map.Entry<CharSequence, CharSequence> h : headers) {
      if (GrpcWire.transportOnly(h.getKey())) {
        continue;
      }
      if (n == MAX) {
        count = -1; // too many to remember
        last = null;
        return md;
      }
      names[n] = h.getKey();
      values[n] = h.getValue();
      n++;
    }
    count = n;
    last = md;
    return md;
  }

  private boolean sameAsLast(Http2Headers headers) {
    int n = 0;
    for (Map.Entry<CharSequence, CharSequence> h : headers) {
      CharSequence name = h.getKey();
      if (GrpcWire.transportOnly(name)) {
        continue;
      }
      if (n == count || names[n] != name || values[n] != h.getValue()) {
        return false;
      }
      n++;
    }
    return n == count;
  }
}
