package dev.typedrpc.internal;

/** A call that knows exactly how many messages it can send now. */
public interface HasDemand {
  long demand();
}
