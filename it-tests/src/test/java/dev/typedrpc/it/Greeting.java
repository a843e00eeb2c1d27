package dev.typedrpc.it;

import java.util.List;

/** A request message. */
public record Greeting(String name, int count, List<String> tags) {}
