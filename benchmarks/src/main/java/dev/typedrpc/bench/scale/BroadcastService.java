package dev.typedrpc.bench.scale;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.Flow;

/** The scale benchmark's service, as typedrpc serves it; {@code scale.proto} is the gRPC twin. */
@RpcService(name = "typedrpc.bench.scale.BroadcastService")
public interface BroadcastService {
  /** Every broadcast from now on, until the client cancels. */
  Flow.Publisher<Tick> subscribe(int subscriber);
}
