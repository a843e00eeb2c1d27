package dev.typedrpc.bench.echo;

/**
 * One streamed message: {@code message Chunk { bytes body = 1; }}, the wire shape of gRPC's {@code
 * Payload}.
 */
@SuppressWarnings("ArrayRecordComponent") // a wire message; never compared or hashed
public record Chunk(byte[] body) {}
