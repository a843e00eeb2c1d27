package dev.typedrpc.it.evolution.v1;

import dev.typedrpc.annotations.RpcService;
import java.util.List;
import java.util.concurrent.Flow;

/** Version 1 of the inventory service, as an old client or server was compiled. */
@RpcService(name = "typedrpc.it.Inventory", version = 1)
public interface Inventory {
  Item get(String sku);

  List<Item> search(String query);

  Flow.Publisher<StockEvent> watch(String sku);
}
