package dev.typedrpc.bench.codec;

import dev.typedrpc.annotations.RpcService;

/**
 * Exists so the processor generates codecs and a {@code .proto} for the benchmark's messages; never
 * served. The same schema, written by hand for protoc, is {@code src/main/protobuf/codec.proto}.
 */
@RpcService(name = "typedrpc.bench.codec.CodecService")
public interface CodecService {
  Small small(Small request);

  ChatMessage chat(ChatMessage request);
}
