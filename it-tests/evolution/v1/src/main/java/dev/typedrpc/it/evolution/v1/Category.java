package dev.typedrpc.it.evolution.v1;

import dev.typedrpc.annotations.Unrecognized;

/** Categories of version 1; a number from a newer version decodes to {@link #UNRECOGNIZED}. */
public enum Category {
  OTHER,
  TOOLS,
  TOYS,
  @Unrecognized
  UNRECOGNIZED
}
