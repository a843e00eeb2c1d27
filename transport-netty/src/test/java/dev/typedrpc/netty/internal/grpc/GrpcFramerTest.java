package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.testing.TestCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * A size the stub computed replaces the framer's size pass, and a message that no longer encodes to
 * it (changed since) fails with {@code INTERNAL} instead of going out wrong.
 */
class GrpcFramerTest {
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  @Test
  void aKnownSizeFramesTheMessageAsItsOwnSizePassWould() {
    int size = TestCodecs.STRING.encodedSize("hello");
    ByteBuf known = GrpcFramer.frame(ALLOC, TestCodecs.STRING, "hello", size, 1024, -1, "m");
    ByteBuf computed = GrpcFramer.frame(ALLOC, TestCodecs.STRING, "hello", 1024, -1, "m");
    try {
      assertThat(known).isEqualTo(computed);
      assertThat(known.getInt(1)).isEqualTo(size);
    } finally {
      known.release();
      computed.release();
    }
  }

  @Test
  void aKnownSizeTheMessageNoLongerHasFailsTheCallWithInternal() {
    int size = TestCodecs.STRING.encodedSize("hello");
    for (int wrong : new int[] {0, size - 1, size + 1}) {
      assertThatThrownBy(
              () -> GrpcFramer.frame(ALLOC, TestCodecs.STRING, "hello", wrong, 1024, -1, "m"))
          .as("size %d", wrong)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL));
    }
  }
}
