package example;

import java.util.Map;

public record Summary(int posts, Map<String, Long> perRoom) {}
