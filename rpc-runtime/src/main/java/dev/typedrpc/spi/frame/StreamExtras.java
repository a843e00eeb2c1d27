package dev.typedrpc.spi.frame;

/**
 * The state of a call on a {@link FrameConnection} that most calls never need, made on first need
 * ({@link FrameStream#extras()}) so that every other call's stream stays small: the call's
 * encodings ({@code docs/COMPRESSION.md}) and the reassembly of a message sent in parts. Confined
 * to the connection's executor.
 */
final class StreamExtras {
  // compression: the encoding of the messages flagged compressed each way, or null for none.
  // Inbound: what the peer announced (CALL_START or HEADERS); outbound: what this end announced,
  // and only ever an encoding the peer accepts
  String inboundEncoding;
  String outboundEncoding;

  /** Server: the request's grpc-encoding as sent (gzip, identity), or null. */
  String requestedEncoding;

  /** Server: what the implementation chose with {@code setCompression}, or null. */
  String chosenEncoding;

  // reassembly of a message sent in parts: its bytes so far, their count, the announced length (-1:
  // none is being received) and whether it is compressed
  byte[] partial;
  int partialLength;
  int partialExpected = -1;
  boolean partialCompressed;
}
