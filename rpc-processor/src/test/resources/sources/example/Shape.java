package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Unrecognized;

public sealed interface Shape permits Shape.Circle, Shape.Square, Shape.Unknown {
  record Circle(double radius) implements Shape {}

  @Field(5)
  record Square(double side) implements Shape {}

  /** A shape added by a newer version: its case number and encoded message, passed through. */
  @Unrecognized
  record Unknown(int fieldNumber, byte[] bytes) implements Shape {}
}
