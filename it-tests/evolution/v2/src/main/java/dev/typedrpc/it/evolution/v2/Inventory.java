package dev.typedrpc.it.evolution.v2;

import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.annotations.Since;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Version 2 of the inventory service: every kind of change that keeps version 1 peers working.
 * Compiled against version 1's descriptor as the baseline, so the breaking-change gate checks each
 * of them.
 */
@RpcService(name = "typedrpc.it.Inventory", version = 2)
public interface Inventory {
  /** Deprecated in version 2, still served. */
  @Deprecated
  Item get(String sku);

  /** Gained a parameter in version 2: version 1 clients do not send it. */
  List<Item> search(String query, @Since(2) Integer limit);

  Flow.Publisher<StockEvent> watch(String sku);

  /** Added in version 2. */
  @Since(2)
  int count();
}
