package dev.typedrpc.it.connect;

/** A reply of {@link ConnectPeerService}. */
public record ConnectReply(String text, long sequence) {}
