package dev.typedrpc.it.grpc;

/** A request of {@link PeerService}. */
public record PeerRequest(String text, int count) {}
