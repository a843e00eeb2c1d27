package example;

public record Author(String name, Kind kind) {
  public enum Kind {
    USER,
    BOT
  }
}
