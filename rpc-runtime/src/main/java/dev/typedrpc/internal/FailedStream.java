package dev.typedrpc.internal;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;

/** A stream that failed before it started: closes its listener at once and ignores everything. */
final class FailedStream implements ClientStream {
  static ClientStream failed(ClientStreamListener listener, Status status) {
    return failed(listener, status, Metadata.EMPTY);
  }

  static ClientStream failed(ClientStreamListener listener, Status status, Metadata trailers) {
    listener.onClose(status, trailers);
    return new FailedStream();
  }

  @Override
  public void request(int n) {}

  @Override
  public void writeMessage(Object message) {}

  @Override
  public void halfClose() {}

  @Override
  public void cancel(Status status) {}

  @Override
  public long demand() {
    return 0;
  }
}
