package dev.typedrpc.bench.echo;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.Flow;

/**
 * The end-to-end benchmark's service, as typedrpc serves it; {@code echo.proto} is the gRPC twin.
 */
@RpcService(name = "typedrpc.bench.echo.EchoService")
public interface EchoService {
  /** Returns {@code payload}. */
  byte[] echo(byte[] payload);

  /**
   * Streams {@code count} chunks of {@code size} bytes, as fast as the client's credit allows. (A
   * record, because the processor rejects {@code Flow.Publisher<byte[]>} today.)
   */
  Flow.Publisher<Chunk> stream(int count, int size);
}
