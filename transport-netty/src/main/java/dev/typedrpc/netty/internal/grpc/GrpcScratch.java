package dev.typedrpc.netty.internal.grpc;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * A heap array per thread that small gRPC messages are encoded into and decoded from, so that
 * protobuf works on a plain array rather than on views of Netty's direct memory (a view, its
 * duplicate and a direct encoder per message written; a fresh copy per message read). Messages up
 * to {@link #SIZE} bytes use it; larger ones take the direct path. The array is used only inside
 * one encode or decode, which never runs another: one per thread is enough (8 KiB per event loop).
 */
final class GrpcScratch {
  /** Messages up to this size go through the array; a 1 KiB message fits with room to spare. */
  static final int SIZE = 8 * 1024;

  private static final FastThreadLocal<byte[]> ARRAY =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[SIZE];
        }
      };

  private GrpcScratch() {}

  /** This thread's array; its contents are the caller's until it returns. */
  static byte[] array() {
    return ARRAY.get();
  }
}
