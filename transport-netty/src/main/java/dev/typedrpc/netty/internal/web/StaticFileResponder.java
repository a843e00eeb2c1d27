package dev.typedrpc.netty.internal.web;

import dev.typedrpc.spi.WebResource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers a {@code GET} or {@code HEAD} with a static file ({@code RpcServer.Builder
 * .staticResources}): {@code 200} with its type, length, {@code ETag} and {@code Cache-Control:
 * no-cache} (a browser revalidates, and gets {@code 304} while the file is unchanged); {@code HEAD}
 * without the body. The connection closes after the response, as after every other plain HTTP
 * answer of the gate.
 */
public final class StaticFileResponder {
  private StaticFileResponder() {}

  /** Whether {@code request} may be answered with a static file: a GET or HEAD, no upgrade. */
  public static boolean applies(HttpRequest request) {
    HttpMethod method = request.method();
    return (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
        && !request.headers().contains(HttpHeaderNames.UPGRADE);
  }

  /** Writes the response for {@code file} and closes the connection. */
  public static void respond(ChannelHandlerContext ctx, HttpRequest request, WebResource file) {
    boolean unchanged =
        request.headers().containsValue(HttpHeaderNames.IF_NONE_MATCH, file.etag(), false);
    boolean head = HttpMethod.HEAD.equals(request.method());
    ByteBuf body = unchanged || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.body());
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
            body);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.ETAG, file.etag());
    headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    if (!unchanged) {
      headers.set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
      headers.set("X-Content-Type-Options", "nosniff");
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, file.body().length);
    }
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
