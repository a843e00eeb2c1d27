package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcException;
import dev.typedrpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The shared conformance suite with proto3 JSON messages ({@code message-encoding=json} on the
 * client's target, see {@code MessageEncoding}): every behaviour is the same as with binary
 * messages. Only the sizes that errors name differ, since they count the JSON bytes.
 */
public abstract class AbstractJsonConformanceTest extends AbstractTransportConformanceTest {
  @Test
  @Override
  void oversizedMessagesAreDescribedTheSameWay() {
    byte[] tooBig = new byte[(2 << 20) + 1];
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel, ConformanceService.BYTES, CallOptions.DEFAULT, tooBig))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description())
                    .isEqualTo(
                        "message of "
                            + TestCodecs.BYTES_JSON.toJsonBytes(tooBig).length
                            + " bytes for typedrpc.testing.Conformance/Bytes exceeds the peer's"
                            + " limit of 2097152 bytes"));
    int size = (2 << 20) + 100;
    byte[] ask = ("size:" + size).getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel, ConformanceService.BYTES, CallOptions.DEFAULT, ask))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description())
                    .isEqualTo(
                        "message of "
                            + TestCodecs.BYTES_JSON.toJsonBytes(new byte[size]).length
                            + " bytes for typedrpc.testing.Conformance/Bytes exceeds the peer's"
                            + " limit of 2097152 bytes"));
  }
}
