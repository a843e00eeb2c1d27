package dev.typedrpc.netty.internal.grpc;

import io.netty.buffer.ByteBuf;

/**
 * What the HTTP/2 server handler tells one request stream: a gRPC call ({@link H2ServerStream}) or
 * a Connect or gRPC-Web one ({@link H2WebStream}). Event loop only.
 */
interface H2Exchange {
  /** A DATA frame (or the end of the request, with an empty buffer); not retained by the caller. */
  void onData(ByteBuf data, boolean endOfStream);

  /** The client reset the stream with this HTTP/2 error. */
  void resetByClient(String error);

  /** HTTP/2 closed the stream: both sides ended, it was reset, or the connection went away. */
  void streamClosed();

  /** The stream's (and connection's) flow-control writability changed. */
  void writabilityChanged(boolean nowWritable);
}
