package example;

import dev.typedrpc.annotations.Field;

public sealed interface Shape permits Shape.Circle, Shape.Square {
  record Circle(double radius) implements Shape {}

  @Field(5)
  record Square(double side) implements Shape {}
}
