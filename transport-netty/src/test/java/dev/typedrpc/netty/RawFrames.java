package dev.typedrpc.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Frames of the typedrpc frame protocol written and read byte by byte, for peers that misbehave in
 * tests (docs/PROTOCOL.md): nothing here comes from the engine under test.
 */
final class RawFrames {
  static final int SETTINGS = 0x01;
  static final int HEADERS = 0x03;
  static final int MESSAGE = 0x04;
  static final int STATUS = 0x0A;
  static final int END_STREAM = 0x01;
  static final int COMPRESSED = 0x02;

  private RawFrames() {}

  /** One received frame. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    /** A STATUS frame's code (field 1). */
    int statusCode() {
      ByteBuffer in = ByteBuffer.wrap(payload);
      while (in.hasRemaining()) {
        int tag = varint(in);
        if (tag == 0x08) {
          return varint(in);
        }
        if ((tag & 7) == 0) {
          varint(in);
        } else {
          in.position(in.position() + varint(in)); // length-delimited
        }
      }
      return 0;
    }

    String text() {
      return new String(payload, StandardCharsets.ISO_8859_1);
    }
  }

  /** SETTINGS with protocol_version 1 and, if {@code gzip}, accept_encoding "gzip". */
  static byte[] settings(boolean gzip) {
    ByteArrayOutputStream f = header(SETTINGS, 0, 0);
    f.write(0x08);
    f.write(0x01);
    if (gzip) {
      f.write(0x42); // field 8, length-delimited
      f.write(4);
      f.writeBytes("gzip".getBytes(StandardCharsets.US_ASCII));
    }
    return f.toByteArray();
  }

  /** CALL_START for {@code method}, credit 16, with {@code grpc-encoding} if not null. */
  static byte[] callStart(int id, String method, String encoding) {
    ByteArrayOutputStream f = header(0x02, 0, id);
    bytesField(f, 0x0A, method.getBytes(StandardCharsets.US_ASCII));
    if (encoding != null) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      bytesField(entry, 0x0A, "grpc-encoding".getBytes(StandardCharsets.US_ASCII));
      bytesField(entry, 0x12, encoding.getBytes(StandardCharsets.US_ASCII));
      bytesField(f, 0x1A, entry.toByteArray());
    }
    f.write(0x20);
    f.write(16);
    return f.toByteArray();
  }

  /** MESSAGE with {@code flags} carrying {@code payload}. */
  static byte[] message(int id, int flags, byte[] payload) {
    ByteArrayOutputStream f = header(MESSAGE, flags, id);
    f.writeBytes(payload);
    return f.toByteArray();
  }

  /** STATUS OK (an empty payload: code 0, no message, no trailers). */
  static byte[] statusOk(int id) {
    return header(STATUS, 0, id).toByteArray();
  }

  /** A string message (field 1) of {@code text}. */
  static byte[] string(String text) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    bytesField(m, 0x0A, text.getBytes(StandardCharsets.UTF_8));
    return m.toByteArray();
  }

  /** A string message of {@code size} zero bytes: gzips to about a thousandth of that. */
  static byte[] zeros(int size) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    bytesField(m, 0x0A, new byte[size]);
    return m.toByteArray();
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static Frame parse(byte[] frame) {
    ByteBuffer in = ByteBuffer.wrap(frame);
    int type = in.get() & 0xff;
    int flags = in.get() & 0xff;
    int stream = varint(in);
    byte[] payload = new byte[in.remaining()];
    in.get(payload);
    return new Frame(type, flags, stream, payload);
  }

  private static ByteArrayOutputStream header(int type, int flags, int id) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(type);
    f.write(flags);
    writeVarint(f, id);
    return f;
  }

  private static void bytesField(ByteArrayOutputStream out, int tag, byte[] value) {
    out.write(tag);
    writeVarint(out, value.length);
    out.writeBytes(value);
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int varint(ByteBuffer in) {
    int result = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      result |= (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
  }
}
