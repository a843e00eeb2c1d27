package dev.typedrpc.spi;

import java.util.Objects;

/**
 * A static file a server serves over plain HTTP next to its RPC endpoints (a web page and its
 * assets): see {@code RpcServer.Builder.staticResources}.
 *
 * @param body the file's bytes; the caller must not change them
 * @param contentType its {@code Content-Type}, e.g. {@code text/html; charset=utf-8}
 * @param etag its strong entity tag, quoted (a digest of {@code body})
 */
@SuppressWarnings("ArrayRecordComponent") // shared, never copied: served as it is
public record WebResource(byte[] body, String contentType, String etag) {
  public WebResource {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(etag, "etag");
  }
}
