package example;

import dev.typedrpc.annotations.Field;
import dev.typedrpc.annotations.Reserved;
import dev.typedrpc.annotations.Since;
import dev.typedrpc.annotations.Unrecognized;

@Reserved(numbers = {3}, names = {"PURPLE"})
public enum Color {
  RED,
  GREEN,
  @Field(5) @Since(2) BLUE,
  @Field(6) @Since(2) @Deprecated YELLOW,
  /** What numbers added by newer versions decode to. */
  @Unrecognized UNRECOGNIZED
}
