package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.Metadata;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

/**
 * The metadata of a header block whose application headers are the very objects of the last block
 * is reused; anything else is decoded anew, with the same result {@link GrpcWire#metadata} gives.
 */
class H2MetadataMemoTest {
  private static final AsciiString AGENT = AsciiString.of("user-agent");
  private static final AsciiString AGENT_VALUE = AsciiString.of("typedrpc-netty");
  private static final AsciiString TENANT = AsciiString.of("x-tenant");

  private static Http2Headers request(CharSequence tenant) {
    return new DefaultHttp2Headers()
        .method(AsciiString.of("POST"))
        .path(AsciiString.of("/a.B/C")) // pseudo-headers and reserved keys are not compared
        .set(GrpcWire.CONTENT_TYPE, AsciiString.of("application/grpc"))
        .set(AGENT, AGENT_VALUE)
        .set(TENANT, tenant);
  }

  @Test
  void theSameHeaderObjectsGiveTheSameMetadata() {
    H2MetadataMemo memo = new H2MetadataMemo();
    AsciiString tenant = AsciiString.of("t1");
    Metadata first = memo.metadata(request(tenant), 1024);
    Metadata second = memo.metadata(request(tenant), 1024);
    assertThat(second).isSameAs(first);
    assertThat(first.get("x-tenant")).isEqualTo("t1");
    assertThat(first.get("user-agent")).isEqualTo("typedrpc-netty");
    assertThat(first.get("content-type")).isNull();
  }

  @Test
  void otherObjectsAreDecodedAnew() {
    H2MetadataMemo memo = new H2MetadataMemo();
    Metadata first = memo.metadata(request(AsciiString.of("t1")), 1024);
    Metadata other = memo.metadata(request(AsciiString.of("t2")), 1024);
    assertThat(other).isNotSameAs(first);
    assertThat(other.get("x-tenant")).isEqualTo("t2");
    Metadata fewer =
        memo.metadata(new DefaultHttp2Headers().set(AGENT, AGENT_VALUE), 1024); // one less
    assertThat(fewer.keys()).containsExactly("user-agent");
    Http2Headers more = request(AsciiString.of("t2")).add(AsciiString.of("x-more"), "1");
    assertThat(memo.metadata(more, 1024).keys())
        .containsExactly("user-agent", "x-tenant", "x-more");
  }

  @Test
  void manyHeadersAreNotRememberedButStillDecoded() {
    H2MetadataMemo memo = new H2MetadataMemo();
    Http2Headers h = new DefaultHttp2Headers();
    for (int i = 0; i <= H2MetadataMemo.MAX; i++) {
      h.add(AsciiString.of("x-" + i), AsciiString.of("v"));
    }
    Metadata first = memo.metadata(h, 4096);
    assertThat(first.size()).isEqualTo(H2MetadataMemo.MAX + 1);
    assertThat(memo.metadata(h, 4096)).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void overTheLimitFailsEveryTime() {
    H2MetadataMemo memo = new H2MetadataMemo();
    Http2Headers h = request(AsciiString.of("x".repeat(100)));
    assertThatThrownBy(() -> memo.metadata(h, 50)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> memo.metadata(h, 50)).isInstanceOf(IllegalStateException.class);
  }
}
