package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Metadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection reads the method name of a CALL_START only when it differs from the last one: the
 * same {@code String} comes back (its hash already known to the server's method lookup), from heap
 * and direct buffers alike (large frames are read where they lie, outside the heap).
 */
class CallStartTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theSameMethodAsBeforeIsNotDecodedAgain(boolean direct) throws Exception {
    CallStart.MethodNames names = new CallStart.MethodNames();
    CallStart first = CallStart.read(payload("pkg.Echo/Say", 7, direct), 1 << 16, names);
    CallStart second = CallStart.read(payload("pkg.Echo/Say", 9, direct), 1 << 16, names);

    assertThat(second.method()).isSameAs(first.method()).isEqualTo("pkg.Echo/Say");
    assertThat(second.initialCredit()).isEqualTo(9); // the rest of the payload is still read
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anotherMethodIsDecoded(boolean direct) throws Exception {
    CallStart.MethodNames names = new CallStart.MethodNames();
    CallStart.read(payload("pkg.Echo/Say", 1, direct), 1 << 16, names);
    // same length, one byte different: not taken for the last one
    CallStart other = CallStart.read(payload("pkg.Echo/Sax", 1, direct), 1 << 16, names);
    CallStart back = CallStart.read(payload("pkg.Echo/Say", 1, direct), 1 << 16, names);

    assertThat(other.method()).isEqualTo("pkg.Echo/Sax");
    assertThat(back.method()).isEqualTo("pkg.Echo/Say");
  }

  @Test
  void aPayloadShorterThanTheLastNameIsReadAsIs() throws Exception {
    CallStart.MethodNames names = new CallStart.MethodNames();
    CallStart.read(payload("pkg.Echo/LongerName", 1, true), 1 << 16, names);

    assertThat(CallStart.read(payload("p.E/S", 0, true), 1 << 16, names).method())
        .isEqualTo("p.E/S");
  }

  private static ByteBuffer payload(String method, int credit, boolean direct) throws Exception {
    CallStart start = new CallStart(method, -1, Metadata.EMPTY, credit, false);
    byte[] utf8 = method.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[start.size(utf8)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    start.write(out, utf8);
    out.checkNoSpaceLeft();
    ByteBuffer buffer =
        direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(3 + bytes.length);
    if (!direct) {
      buffer.position(3).mark(); // a frame inside a larger array, as in a BATCH
    }
    buffer.put(bytes);
    if (direct) {
      buffer.flip();
    } else {
      buffer.limit(buffer.position()).reset();
    }
    return buffer;
  }
}
