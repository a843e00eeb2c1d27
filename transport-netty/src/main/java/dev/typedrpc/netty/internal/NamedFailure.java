package dev.typedrpc.netty.internal;

import java.io.IOException;

/**
 * A connection failure whose message says it all: its {@link #toString} is the message alone, as it
 * ends up in a status description.
 */
public final class NamedFailure extends IOException {
  private static final long serialVersionUID = 1L;

  public NamedFailure(String message) {
    super(message);
  }

  @SuppressWarnings(
      "OverrideThrowableToString") // a status description names the failure, not a class
  @Override
  public String toString() {
    return getMessage();
  }
}
