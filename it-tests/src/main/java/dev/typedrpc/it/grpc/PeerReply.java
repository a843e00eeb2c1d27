package dev.typedrpc.it.grpc;

/** A reply of {@link PeerService}. */
public record PeerReply(String text, long sequence) {}
