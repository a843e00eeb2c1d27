package dev.typedrpc.spi.frame;

/** Frame type and flag constants of protocol version 1 ({@code docs/PROTOCOL.md}). */
final class FrameType {
  static final int PROTOCOL_VERSION = 1;

  /** Frame size every implementation accepts before the peer's SETTINGS arrive. */
  static final int MIN_MAX_FRAME_SIZE = 16 * 1024;

  /** type + flags + the longest varint32 stream id. */
  static final int MAX_HEADER_SIZE = 1 + 1 + 5;

  static final byte SETTINGS = 0x01;
  static final byte CALL_START = 0x02;
  static final byte HEADERS = 0x03;
  static final byte MESSAGE = 0x04;
  static final byte MESSAGE_START = 0x05;
  static final byte MESSAGE_PART = 0x06;
  static final byte CREDIT = 0x07;
  static final byte HALF_CLOSE = 0x08;
  static final byte CANCEL = 0x09;
  static final byte STATUS = 0x0A;
  static final byte PING = 0x0B;
  static final byte PONG = 0x0C;
  static final byte GOAWAY = 0x0D;
  static final byte BATCH = 0x0E;

  /** A BATCH frame's header: its type, flags 0 and stream 0. */
  static final int BATCH_HEADER_SIZE = 3;

  static final int FLAG_END_STREAM = 0x01;

  /**
   * On MESSAGE and MESSAGE_START: the message is compressed with the encoding its call announced
   * ({@code grpc-encoding} in CALL_START or HEADERS).
   */
  static final int FLAG_COMPRESSED = 0x02;

  private FrameType() {}

  static String name(int type) {
    return switch (type) {
      case SETTINGS -> "SETTINGS";
      case CALL_START -> "CALL_START";
      case HEADERS -> "HEADERS";
      case MESSAGE -> "MESSAGE";
      case MESSAGE_START -> "MESSAGE_START";
      case MESSAGE_PART -> "MESSAGE_PART";
      case CREDIT -> "CREDIT";
      case HALF_CLOSE -> "HALF_CLOSE";
      case CANCEL -> "CANCEL";
      case STATUS -> "STATUS";
      case PING -> "PING";
      case PONG -> "PONG";
      case GOAWAY -> "GOAWAY";
      case BATCH -> "BATCH";
      default -> "0x" + Integer.toHexString(type & 0xff);
    };
  }
}
