package dev.typedrpc.it;

/** A response message. */
public record Reply(String text, long sequence) {}
