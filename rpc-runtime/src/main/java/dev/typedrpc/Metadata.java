package dev.typedrpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-call key/value pairs sent before the messages (headers) or after them (trailers).
 *
 * <p>Keys are lower-case ASCII ({@code [0-9a-z._-]}). A key ending in {@code -bin} carries bytes;
 * any other key carries printable ASCII text without a leading or trailing space (an HTTP field
 * value), as in gRPC. A key may repeat; order is kept. Immutable and thread-safe: build one with
 * {@link #builder()}.
 */
public final class Metadata {
  public static final Metadata EMPTY = new Metadata(List.of());

  /** Suffix marking a binary-valued key. */
  public static final String BINARY_SUFFIX = "-bin";

  /**
   * One key/value pair; {@code value} is the raw bytes (ASCII text for non-binary keys). The array
   * is not copied and may be shared (a connection reuses the metadata of calls that repeat the same
   * headers): read it, never modify it; {@link Metadata#getBinary} returns a copy.
   */
  @SuppressWarnings("ArrayRecordComponent") // the bytes as received and sent: no copy per call
  public record Entry(String key, byte[] value) {
    public boolean isBinary() {
      return key.endsWith(BINARY_SUFFIX);
    }

    /** The value as text (ISO-8859-1 / ASCII for text keys). */
    public String text() {
      return new String(value, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.key.equals(key) && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    /** Credentials ({@code authorization}, {@code cookie}) print as {@code <redacted>}. */
    @Override
    public String toString() {
      if (key.equals("authorization")
          || key.equals("proxy-authorization")
          || key.equals("cookie")) {
        return key + "=<redacted>"; // metadata gets logged; credentials must not be
      }
      return key + "=" + (isBinary() ? Arrays.toString(value) : text());
    }
  }

  private final List<Entry> entries;

  private Metadata(List<Entry> entries) {
    this.entries = entries;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Convenience: metadata with one text entry. */
  public static Metadata of(String key, String value) {
    return builder().put(key, value).build();
  }

  /** All entries, in order. */
  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    for (Entry e : entries) {
      keys.add(e.key());
    }
    return Collections.unmodifiableSet(keys);
  }

  /** The last text value for {@code key}, or null. */
  public String get(String key) {
    byte[] v = getBinary(key);
    return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
  }

  /** The last raw value for {@code key}, or null. */
  public byte[] getBinary(String key) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (e.key().equals(key)) {
        return e.value().clone();
      }
    }
    return null;
  }

  /** All text values for {@code key}, in order. */
  public List<String> getAll(String key) {
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.key().equals(key)) {
        out.add(e.text());
      }
    }
    return out;
  }

  /** A builder holding these entries, to add more. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.entries.addAll(entries);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata m && m.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "Metadata" + entries;
  }

  /** Checks a key: non-empty, lower-case ASCII letters, digits, '-', '_' and '.'. */
  public static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(
            "metadata key '"
                + key
                + "' has an invalid character '"
                + c
                + "': use lower-case ASCII letters, digits, '-', '_' and '.'");
      }
    }
    return key;
  }

  /** Checks a text value: printable ASCII (0x20..0x7E), not starting or ending with a space. */
  public static String checkTextValue(String key, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            "metadata value for '"
                + key
                + "' has a non-printable or non-ASCII character at "
                + i
                + ": text values are printable ASCII; use a key ending in '-bin' for bytes");
      }
    }
    if (!value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ')) {
      // HTTP/2 refuses such a field value: refused here, the value fails alike on every transport
      throw new IllegalArgumentException(
          "metadata value for '"
              + key
              + "' starts or ends with a space: text values are HTTP field values, which cannot;"
              + " trim it, or use a key ending in '-bin'");
    }
    return value;
  }

  /** Collects entries. Not thread-safe. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /** Adds a text entry; the key must not end in {@code -bin}. */
    public Builder put(String key, String value) {
      checkKey(key);
      if (key.endsWith(BINARY_SUFFIX)) {
        throw new IllegalArgumentException("key '" + key + "' is binary: use putBinary");
      }
      checkTextValue(key, value);
      entries.add(new Entry(key, value.getBytes(StandardCharsets.ISO_8859_1)));
      return this;
    }

    /** Adds a binary entry; the key must end in {@code -bin}. */
    public Builder putBinary(String key, byte[] value) {
      checkKey(key);
      if (!key.endsWith(BINARY_SUFFIX)) {
        throw new IllegalArgumentException("binary key '" + key + "' must end in '-bin'");
      }
      entries.add(new Entry(key, value.clone()));
      return this;
    }

    /** Adds every entry of {@code other}. */
    public Builder putAll(Metadata other) {
      entries.addAll(other.entries);
      return this;
    }

    /** Adds an entry already checked, e.g. decoded from the wire. */
    public Builder putRaw(String key, byte[] value) {
      entries.add(new Entry(key, value));
      return this;
    }

    public Metadata build() {
      return entries.isEmpty() ? EMPTY : new Metadata(List.copyOf(entries));
    }
  }
}
