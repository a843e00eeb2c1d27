package example;

public record PostId(long id) {}
