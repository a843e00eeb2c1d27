package dev.typedrpc.bench.codec;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The realistic message: strings, a nested record, a repeated field, a timestamp and a map. */
public record ChatMessage(
    long id,
    String room,
    Author author,
    String text,
    List<String> tags,
    Instant sentAt,
    Map<String, String> attributes) {}
