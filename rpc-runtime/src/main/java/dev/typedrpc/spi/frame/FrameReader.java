package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and validates inbound frames: size, header, flags, the stream a frame may travel on,
 * SETTINGS first, BATCH unpacking, and the payloads of connection-level frames; then hands each
 * frame to the connection. A frame that breaks the protocol throws a {@link ProtocolException},
 * connection- or stream-level as PROTOCOL.md says. Executor only.
 */
final class FrameReader {
  private final FrameConnection conn;
  private final TransportSettings settings;
  private final Handshake handshake;

  FrameReader(FrameConnection conn, TransportSettings settings, Handshake handshake) {
    this.conn = conn;
    this.settings = settings;
    this.handshake = handshake;
  }

  /** Reads one whole frame; the buffer is read during this call only. */
  void read(ByteBuffer frame) throws ProtocolException {
    if (frame.remaining() > settings.maxFrameSize() + FrameType.MAX_HEADER_SIZE) {
      throw ProtocolException.connection(
          "frame of "
              + frame.remaining()
              + " bytes exceeds max_frame_size "
              + settings.maxFrameSize());
    }
    if (frame.remaining() < 3) {
      throw ProtocolException.connection(
          "frame of " + frame.remaining() + " bytes is shorter than its header");
    }
    byte type = frame.get();
    int flags = frame.get() & 0xff;
    int id = readVarint32(frame, "stream id");
    if ((flags & ~(FrameType.FLAG_END_STREAM | FrameType.FLAG_COMPRESSED)) != 0) {
      throw ProtocolException.connection("unknown flags 0x" + Integer.toHexString(flags));
    }
    if (!handshake.peerReady() && type != FrameType.SETTINGS) {
      throw ProtocolException.connection(
          FrameType.name(type) + " before SETTINGS; SETTINGS must come first");
    }
    switch (type) {
      case FrameType.SETTINGS, FrameType.PING, FrameType.PONG, FrameType.GOAWAY -> {
        if (id != 0) {
          throw ProtocolException.connection(
              FrameType.name(type) + " on stream " + id + "; it belongs on 0");
        }
        readConnectionFrame(type, frame);
      }
      case FrameType.CALL_START -> {
        if ((flags & FrameType.FLAG_COMPRESSED) != 0) {
          throw ProtocolException.connection("COMPRESSED flag on CALL_START");
        }
        conn.onCallStart(id, flags, frame);
      }
      case FrameType.HEADERS,
          FrameType.MESSAGE,
          FrameType.MESSAGE_START,
          FrameType.MESSAGE_PART,
          FrameType.CREDIT,
          FrameType.HALF_CLOSE,
          FrameType.CANCEL,
          FrameType.STATUS ->
          readStreamFrame(type, flags, id, frame);
      case FrameType.BATCH -> readBatch(flags, id, frame);
      default -> throw ProtocolException.connection("unknown frame type " + FrameType.name(type));
    }
  }

  /**
   * The frames a BATCH carries, one after another, each as {@code [varint length][frame]}, each
   * read as if it had arrived alone. Its payload is bounded by max_frame_size like any frame's, so
   * no inner frame can be larger.
   */
  private void readBatch(int flags, int id, ByteBuffer frame) throws ProtocolException {
    if (flags != 0 || id != 0) {
      throw ProtocolException.connection(
          "BATCH with flags 0x"
              + Integer.toHexString(flags)
              + " on stream "
              + id
              + "; it has no flags and belongs on stream 0");
    }
    if (!frame.hasRemaining()) {
      throw ProtocolException.connection("BATCH carries no frames");
    }
    int end = frame.limit();
    while (frame.position() < end && !conn.isClosed()) {
      int length = readVarint32(frame, "length of a batched frame");
      int next = frame.position() + length;
      if (length < 0
          || length > end - frame.position()) { // a varint of 2^31 or more reads as negative
        long unsigned = length & 0xffffffffL;
        throw ProtocolException.connection(
            "batched frame of "
                + unsigned
                + " bytes overruns its BATCH by "
                + (unsigned - (end - frame.position()))
                + " bytes");
      }
      if (length > 0 && frame.get(frame.position()) == FrameType.BATCH) {
        throw ProtocolException.connection("BATCH inside a BATCH");
      }
      frame.limit(next);
      read(frame);
      frame.limit(end).position(next); // whatever the frame's reader left unread
    }
  }

  private void readConnectionFrame(byte type, ByteBuffer payload) throws ProtocolException {
    switch (type) {
      case FrameType.SETTINGS -> conn.onPeerSettings(handshake.readSettings(payload));
      case FrameType.PING -> {
        if (payload.remaining() != 8) {
          throw ProtocolException.connection(
              "PING payload must be 8 bytes, was " + payload.remaining());
        }
        long data = payload.getLong();
        if (conn.acceptPing()) {
          conn.writer.writePong(data);
        }
      }
      case FrameType.PONG -> {
        // any frame read proves the peer alive (FrameConnection.onFrame), a PONG too
      }
      default -> readGoAway(payload);
    }
  }

  private void readGoAway(ByteBuffer payload) throws ProtocolException {
    int last = 0;
    int code = 0;
    String message = null;
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> last = in.readUInt32();
          case 2 -> code = in.readUInt32();
          case 3 -> message = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed GOAWAY: " + e.getMessage());
    }
    conn.onGoAway(last, Status.fromCode(code, message == null ? "peer went away" : message));
  }

  private void readStreamFrame(byte type, int flags, int id, ByteBuffer payload)
      throws ProtocolException {
    if (id == 0) {
      throw ProtocolException.connection(FrameType.name(type) + " on stream 0");
    }
    FrameStream stream = conn.streams.get(id);
    if (stream == null) {
      if (id <= conn.highestStreamId()) {
        return; // the stream ended; frames already in flight are ignored
      }
      throw ProtocolException.connection(
          FrameType.name(type) + " for stream " + id + ", which was never opened");
    }
    if ((flags & FrameType.FLAG_COMPRESSED) != 0
        && type != FrameType.MESSAGE
        && type != FrameType.MESSAGE_START) {
      throw ProtocolException.connection(
          "COMPRESSED flag on " + FrameType.name(type) + "; only messages carry it");
    }
    try {
      conn.onStreamFrame(type, flags, stream, payload);
    } catch (ProtocolException e) {
      if (e.connectionLevel()) {
        throw e;
      }
      conn.streamError(stream, e.status());
    }
  }

  static int readCredit(ByteBuffer payload) throws ProtocolException {
    int n = readVarint32(payload, "credit");
    if (n <= 0) {
      throw ProtocolException.connection(
          "CREDIT of " + (n & 0xffffffffL) + "; it must be 1 to 2^31-1");
    }
    return n;
  }

  static Metadata readMetadataBlock(ByteBuffer payload, int field, int maxMetadataSize)
      throws ProtocolException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      Metadata.Builder md = Metadata.builder();
      int total = 0;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (WireFormat.getTagFieldNumber(tag) == field) {
          total += Frames.readEntry(in, md);
          if (total > maxMetadataSize) {
            throw ProtocolException.stream(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "response metadata exceeds the limit of " + maxMetadataSize + " bytes"));
          }
        } else {
          in.skipField(tag);
        }
      }
      return md.build();
    } catch (IOException e) {
      throw ProtocolException.connection("malformed metadata: " + e.getMessage());
    }
  }

  /** Reads an unsigned varint32 and advances the buffer. */
  static int readVarint32(ByteBuffer buf, String what) throws ProtocolException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!buf.hasRemaining()) {
        throw ProtocolException.connection("truncated varint (" + what + ")");
      }
      byte b = buf.get();
      result |= (b & 0x7f) << shift;
      if (b >= 0) {
        if (shift == 28 && (b & 0xf0) != 0) {
          throw ProtocolException.connection("varint too large (" + what + ")");
        }
        return result;
      }
    }
    throw ProtocolException.connection("malformed varint (" + what + ")");
  }
}
