package dev.typedrpc.it.evolution.v2;

import dev.typedrpc.annotations.Since;
import dev.typedrpc.annotations.Unrecognized;

/** Stock events of version 2: Discontinued is new. */
public sealed interface StockEvent
    permits StockEvent.Restocked, StockEvent.SoldOut, StockEvent.Unknown, StockEvent.Discontinued {
  record Restocked(String sku, int quantity) implements StockEvent {}

  record SoldOut(String sku) implements StockEvent {}

  @Unrecognized
  @SuppressWarnings("ArrayRecordComponent") // the shape @Unrecognized requires
  record Unknown(int fieldNumber, byte[] bytes) implements StockEvent {}

  @Since(2)
  record Discontinued(String sku, String reason) implements StockEvent {}
}
