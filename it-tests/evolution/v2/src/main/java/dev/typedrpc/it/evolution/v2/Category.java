package dev.typedrpc.it.evolution.v2;

import dev.typedrpc.annotations.Since;
import dev.typedrpc.annotations.Unrecognized;

/** Categories of version 2: FOOD is new. */
public enum Category {
  OTHER,
  TOOLS,
  TOYS,
  @Since(2)
  FOOD,
  @Unrecognized
  UNRECOGNIZED
}
