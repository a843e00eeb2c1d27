package dev.typedrpc.it.fuzz;

import dev.typedrpc.annotations.RpcService;

/** The service that makes the processor generate codecs for {@link AllKinds}. */
@RpcService(name = "typedrpc.fuzz.KindsService")
public interface KindsService {
  AllKinds echo(AllKinds value);
}
