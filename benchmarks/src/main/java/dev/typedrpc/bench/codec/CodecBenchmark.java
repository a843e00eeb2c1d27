package dev.typedrpc.bench.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.typedrpc.bench.codec.proto.CodecProtos;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * typedrpc's generated codecs against protobuf-java's generated classes, for the same schema and
 * content.
 *
 * <p>Encode turns a message object into a new {@code byte[]}, decode a {@code byte[]} into a
 * message object: what each system does per call. protobuf-java memoizes a message's size inside
 * the object, so its {@code encode} on a long-lived message skips the size pass that a freshly
 * built message pays; {@code protobufBuildAndEncode*} shows the per-call cost when the message is
 * built from application objects first, as a gRPC service does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class CodecBenchmark {
  // the generated codec, as the call path uses it (codecs are package-private classes)
  private static final MessageCodec<Small> SMALL_CODEC = CodecServiceRpc.SMALL.requestCodec();
  private static final MessageCodec<ChatMessage> CHAT_CODEC = CodecServiceRpc.CHAT.requestCodec();

  private final Small small = Fixtures.SMALL;
  private final ChatMessage chat = Fixtures.CHAT;
  private final CodecProtos.Small smallProto = Fixtures.toProto(small);
  private final CodecProtos.ChatMessage chatProto = Fixtures.toProto(chat);
  private final byte[] smallBytes = smallProto.toByteArray();
  private final byte[] chatBytes = chatProto.toByteArray();

  @Benchmark
  public byte[] typedrpcEncodeSmall() {
    return SMALL_CODEC.toByteArray(small);
  }

  /**
   * The size pass alone: what a stub that checks its request before sending would add to {@link
   * #typedrpcEncodeSmall} (which runs the same pass itself, then writes).
   */
  @Benchmark
  public int typedrpcSizeSmall() {
    return SMALL_CODEC.encodedSize(small);
  }

  @Benchmark
  public byte[] protobufEncodeSmall() {
    return smallProto.toByteArray();
  }

  @Benchmark
  public byte[] protobufBuildAndEncodeSmall() {
    return Fixtures.toProto(small).toByteArray();
  }

  @Benchmark
  public Small typedrpcDecodeSmall() throws IOException {
    return SMALL_CODEC.parseFrom(smallBytes);
  }

  @Benchmark
  public CodecProtos.Small protobufDecodeSmall() throws InvalidProtocolBufferException {
    return CodecProtos.Small.parseFrom(smallBytes);
  }

  @Benchmark
  public byte[] typedrpcEncodeChat() {
    return CHAT_CODEC.toByteArray(chat);
  }

  /** The size pass alone, as {@link #typedrpcSizeSmall}. */
  @Benchmark
  public int typedrpcSizeChat() {
    return CHAT_CODEC.encodedSize(chat);
  }

  @Benchmark
  public byte[] protobufEncodeChat() {
    return chatProto.toByteArray();
  }

  @Benchmark
  public byte[] protobufBuildAndEncodeChat() {
    return Fixtures.toProto(chat).toByteArray();
  }

  @Benchmark
  public ChatMessage typedrpcDecodeChat() throws IOException {
    return CHAT_CODEC.parseFrom(chatBytes);
  }

  @Benchmark
  public CodecProtos.ChatMessage protobufDecodeChat() throws InvalidProtocolBufferException {
    return CodecProtos.ChatMessage.parseFrom(chatBytes);
  }
}
