package dev.typedrpc.bench.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.bench.codec.proto.CodecProtos;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The codec benchmark compares like with like: both systems write the same bytes and read each
 * other's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CodecBytesTest {
  @Test
  void smallEncodesToIdenticalBytes() throws Exception {
    byte[] ours = CodecServiceRpc.SMALL.requestCodec().toByteArray(Fixtures.SMALL);
    assertThat(ours).isEqualTo(Fixtures.toProto(Fixtures.SMALL).toByteArray());
    assertThat(CodecProtos.Small.parseFrom(ours)).isEqualTo(Fixtures.toProto(Fixtures.SMALL));
    assertThat(CodecServiceRpc.SMALL.requestCodec().parseFrom(ours)).isEqualTo(Fixtures.SMALL);
  }

  @Test
  void chatEncodesToIdenticalBytes() throws Exception {
    byte[] ours = CodecServiceRpc.CHAT.requestCodec().toByteArray(Fixtures.CHAT);
    assertThat(ours).isEqualTo(Fixtures.toProto(Fixtures.CHAT).toByteArray());
    assertThat(CodecProtos.ChatMessage.parseFrom(ours)).isEqualTo(Fixtures.toProto(Fixtures.CHAT));
    assertThat(CodecServiceRpc.CHAT.requestCodec().parseFrom(ours)).isEqualTo(Fixtures.CHAT);
  }

  @Test
  void benchmarkMethodsReturnWhatTheyClaim() throws Exception {
    CodecBenchmark b = new CodecBenchmark();
    assertThat(b.typedrpcEncodeChat())
        .isEqualTo(b.protobufEncodeChat())
        .isEqualTo(b.protobufBuildAndEncodeChat());
    assertThat(b.typedrpcEncodeSmall()).isEqualTo(b.protobufEncodeSmall());
    assertThat(b.typedrpcDecodeChat()).isEqualTo(Fixtures.CHAT);
    assertThat(b.protobufDecodeChat()).isEqualTo(Fixtures.toProto(Fixtures.CHAT));
    assertThat(b.typedrpcDecodeSmall()).isEqualTo(Fixtures.SMALL);
    assertThat(b.protobufDecodeSmall()).isEqualTo(Fixtures.toProto(Fixtures.SMALL));
  }
}
