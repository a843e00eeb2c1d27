package dev.typedrpc.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes one binary WebSocket message (a single final frame, RFC 6455 section 5.2) from bytes in
 * an array into one buffer: the header, and the payload copied once, masked on the way if this end
 * is a client (section 5.3). Netty's frame encoder would take the payload in a buffer of its own
 * and copy it again to mask it (a client), or send the header as a buffer of its own (a server);
 * here a frame costs one buffer and one copy. The encoder passes the result through untouched, so
 * it may only be used where no WebSocket extension is negotiated (typedrpc's pipelines allow none).
 */
final class WsBinaryMessage {
  /** FIN and the binary opcode. */
  private static final int FIN_BINARY = 0x82;

  private static final int MASK_BIT = 0x80;

  private WsBinaryMessage() {}

  /** The header's size for a payload of {@code length} bytes, masked or not. */
  static int headerSize(int length, boolean masked) {
    int size = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    return masked ? size + 4 : size;
  }

  /**
   * A buffer from {@code alloc} holding the message whose payload is {@code length} bytes of {@code
   * payload} from {@code offset}; masked with a fresh random key if {@code masked}.
   */
  static ByteBuf encode(
      ByteBufAllocator alloc, byte[] payload, int offset, int length, boolean masked) {
    ByteBuf buf = alloc.ioBuffer(headerSize(length, masked) + length);
    buf.writeByte(FIN_BINARY);
    int maskBit = masked ? MASK_BIT : 0;
    if (length < 126) {
      buf.writeByte(maskBit | length);
    } else if (length <= 0xFFFF) {
      buf.writeByte(maskBit | 126).writeShort(length);
    } else {
      buf.writeByte(maskBit | 127).writeLong(length);
    }
    if (!masked) {
      return buf.writeBytes(payload, offset, length);
    }
    // the key only has to be unpredictable to scripts in a browser; Netty's encoder draws it the
    // same way
    int key = ThreadLocalRandom.current().nextInt();
    buf.writeInt(key);
    int start = buf.writerIndex();
    maskInto(buf.nioBuffer(start, length), ByteBuffer.wrap(payload), offset, length, key);
    return buf.writerIndex(start + length);
  }

  /**
   * Writes {@code length} bytes of {@code from} (from {@code offset}) into {@code to} (from 0),
   * XORed with the key's bytes in turn (big-endian): eight bytes at a time, in one pass, on views
   * whose bounds checks the compiler hoists out of the loop (a buffer's own accessors check its
   * reference count at every call).
   */
  private static void maskInto(ByteBuffer to, ByteBuffer from, int offset, int length, int key) {
    long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
    int i = 0;
    for (; length - i >= 8; i += 8) {
      to.putLong(i, from.getLong(offset + i) ^ key8);
    }
    if (length - i >= 4) {
      to.putInt(i, from.getInt(offset + i) ^ key);
      i += 4;
    }
    for (int shift = 24; i < length; i++, shift -= 8) { // at most three bytes left
      to.put(i, (byte) (from.get(offset + i) ^ (key >>> shift)));
    }
  }
}
