package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code byte[]} and {@code ByteString} as parameters, results, stream elements in both directions
 * and record fields, called over the in-memory transport ({@code sources/bytes/Driver.java}).
 */
@Timeout(120)
class BytesRoundTripTest {
  static List<JavaFileObject> sources() {
    return List.of(
        JavaFileObjects.forResource("sources/bytes/Files.java"),
        JavaFileObjects.forResource("sources/bytes/Blob.java"),
        JavaFileObjects.forResource("sources/bytes/Driver.java"));
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyBytesPositionRoundTrips() throws Exception {
    Compilation compilation = TestCompiler.compile(sources());
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = TestCompiler.classLoader(compilation);
    Map<String, Object> r =
        (Map<String, Object>) loader.loadClass("bytes.Driver").getMethod("run").invoke(null);

    assertThat((byte[]) r.get("reverse")).containsExactly(3, 2, 1);
    assertThat((byte[]) r.get("download")).containsExactly('a');
    List<byte[]> chunks = (List<byte[]>) r.get("chunks");
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(2)).containsExactly(2, 'c');
    assertThat(r.get("upload")).isEqualTo(8);
    assertThat(r.get("echo")).isEqualTo(List.of(utf8("x"), ByteString.EMPTY, utf8("yz")));
    assertThat(r.get("concat")).isEqualTo(utf8("abcd"));
    assertThat(r.get("storeEquals")).isEqualTo(true);
  }
}
