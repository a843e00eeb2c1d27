package dev.typedrpc.opentelemetry;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.net.URI;

/** Calls as interceptors see them, without a transport: for tests of one interceptor alone. */
final class FakeCalls {
  private FakeCalls() {}

  static RpcContext server(MethodDescriptor<?, ?> method, String transport, Metadata headers) {
    return new RpcContext() {
      @Override
      public MethodDescriptor<?, ?> method() {
        return method;
      }

      @Override
      public Metadata headers() {
        return headers;
      }

      @Override
      public Deadline deadline() {
        return null;
      }

      @Override
      public String peer() {
        return "test";
      }

      @Override
      public String transport() {
        return transport;
      }

      @Override
      public ServiceVersion clientService() {
        return null;
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public Status cancellationStatus() {
        return null;
      }

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void setCompression(String encoding) {}

      @Override
      public void setTrailers(Metadata trailers) {}

      @Override
      public void addCancelListener(Runnable listener) {}
    };
  }

  /** An outgoing call that keeps the metadata interceptors add. */
  static final class Outgoing implements OutgoingCall {
    private final MethodDescriptor<?, ?> method;
    private final URI target;
    Metadata headers = Metadata.EMPTY;

    Outgoing(MethodDescriptor<?, ?> method, String target) {
      this.method = method;
      this.target = URI.create(target);
    }

    @Override
    public MethodDescriptor<?, ?> method() {
      return method;
    }

    @Override
    public CallOptions options() {
      return CallOptions.DEFAULT;
    }

    @Override
    public Deadline deadline() {
      return null;
    }

    @Override
    public Metadata headers() {
      return headers;
    }

    @Override
    public void addHeaders(Metadata more) {
      headers = headers.toBuilder().putAll(more).build();
    }

    @Override
    public URI target() {
      return target;
    }
  }
}
