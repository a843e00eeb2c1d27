package dev.typedrpc.netty.internal.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The HTTP side of one web call, as the HTTP/1.1 and HTTP/2 adapters provide it: a whole response,
 * or a streamed one (200, headers, chunks, end). Buffers passed in are owned by the exchange from
 * then on. Called on the channel's event loop only; at most one response per exchange.
 */
public interface WebExchange {
  /** The channel's context: allocator, executor, channel. */
  ChannelHandlerContext context();

  /** Sends a whole response and ends the exchange. */
  void respond(HttpResponseStatus status, HttpHeaders headers, ByteBuf body);

  /** Starts a streamed response: status 200 and {@code headers}. */
  void startStream(HttpHeaders headers);

  /** Sends one piece of a streamed response body. */
  void writeChunk(ByteBuf chunk);

  /** Ends a streamed response. */
  void endStream();

  /**
   * Whether more may be written without buffering beyond the transport's bound (channel or stream
   * writability); the adapter calls {@link WebCall#writabilityChanged} when this changes.
   */
  boolean isWritable();

  /** Flushes what was written (soon, batched with the connection's other writes). */
  void flush();
}
