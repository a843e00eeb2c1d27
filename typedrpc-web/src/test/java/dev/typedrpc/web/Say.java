package dev.typedrpc.web;

/** A request of the test service. */
public record Say(String text, int times, byte[] data) {}
