package dev.typedrpc.spi.frame;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import java.nio.ByteBuffer;

/** PLACEHOLDER: signatures only; the implementation lands with the frame engine. */
public final class FrameConnection {
  private FrameConnection() {}

  public static FrameConnection client(
      FrameSink sink, TransportSettings settings, ClientTransport.Listener listener) {
    throw new UnsupportedOperationException();
  }

  public static FrameConnection server(
      FrameSink sink, TransportSettings settings, ServerTransportListener listener) {
    throw new UnsupportedOperationException();
  }

  public ClientStream newStream(
      MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline, ClientStreamListener listener) {
    throw new UnsupportedOperationException();
  }

  public void onOpen() {}

  public void onFrame(ByteBuffer frame) {}

  public void onWritabilityChanged() {}

  public void onClosed(Throwable cause) {}

  public void shutdown(Status reason) {}

  public void shutdownNow(Status reason) {}
}
