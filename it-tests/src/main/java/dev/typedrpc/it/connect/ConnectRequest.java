package dev.typedrpc.it.connect;

/** A request of {@link ConnectPeerService}. */
public record ConnectRequest(String text, int count) {}
