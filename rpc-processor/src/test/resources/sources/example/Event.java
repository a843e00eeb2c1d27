package example;

import java.time.Instant;

public record Event(String room, Instant at, Shape shape) {}
