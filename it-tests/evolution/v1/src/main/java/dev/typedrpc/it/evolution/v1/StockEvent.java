package dev.typedrpc.it.evolution.v1;

import dev.typedrpc.annotations.Unrecognized;

/** Stock events of version 1; a kind from a newer version decodes to {@link Unknown}. */
public sealed interface StockEvent
    permits StockEvent.Restocked, StockEvent.SoldOut, StockEvent.Unknown {
  record Restocked(String sku, int quantity) implements StockEvent {}

  record SoldOut(String sku) implements StockEvent {}

  /** An event this version does not know: its case number and bytes, kept as they came. */
  @Unrecognized
  @SuppressWarnings("ArrayRecordComponent") // the shape @Unrecognized requires
  record Unknown(int fieldNumber, byte[] bytes) implements StockEvent {}
}
