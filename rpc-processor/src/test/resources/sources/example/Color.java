package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.Since;

@Reserved(numbers = {3}, names = {"PURPLE"})
public enum Color {
  RED,
  GREEN,
  @Field(5) @Since(2) BLUE
}
