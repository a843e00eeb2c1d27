package dev.typedrpc.web;

/** A response of the test service. */
public record Reply(String text, int index, byte[] data) {}
