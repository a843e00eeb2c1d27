package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;

/**
 * What a call that waited at a {@link Balancer} is attached to once a server is ready: its stream
 * is picked anew, so a server lost meanwhile is skipped (and the call waits again, or fails, as a
 * new call would). Only {@link #newStream} is used; the balancer owns the real connections.
 */
final class PickingTransport implements ClientTransport {
  private final Balancer balancer;
  private final boolean waitForReady;

  PickingTransport(Balancer balancer, boolean waitForReady) {
    this.balancer = balancer;
    this.waitForReady = waitForReady;
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    return balancer.newStream(method, headers, deadline, waitForReady, listener);
  }

  @Override
  public void start(Listener listener) {
    throw new UnsupportedOperationException("not a connection");
  }

  @Override
  public void shutdown(Status reason) {}

  @Override
  public void shutdownNow(Status reason) {}
}
