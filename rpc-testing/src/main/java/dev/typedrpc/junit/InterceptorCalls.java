package dev.typedrpc.junit;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.net.URI;
import java.util.Objects;

/**
 * Calls as interceptors see them, without a server or a transport: for unit tests of one {@link
 * dev.typedrpc.ServerInterceptor} or {@link dev.typedrpc.ClientInterceptor} alone. To see one at
 * work on real calls, register it with an {@link RpcExtension}'s server or channel instead.
 *
 * <pre>{@code
 * CallObserver observer = myInterceptor.interceptCall(
 *     InterceptorCalls.server(InventoryRpc.STOCK, "ws", Metadata.of("x-tenant", "a")));
 * observer.onClose(Status.OK, Metadata.EMPTY);
 * }</pre>
 */
public final class InterceptorCalls {
  private InterceptorCalls() {}

  /**
   * An incoming call of {@code method} that arrived over {@code transport} with {@code headers}: no
   * deadline, not cancelled, from peer {@code test}; what the interceptor sends (headers, trailers,
   * compression) goes nowhere.
   */
  public static RpcContext server(
      MethodDescriptor<?, ?> method, String transport, Metadata headers) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(headers, "headers");
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
      public void setCompression(String name) {}

      @Override
      public void setTrailers(Metadata trailers) {}

      @Override
      public void addCancelListener(Runnable listener) {}
    };
  }

  /**
   * An outgoing call of {@code method} to {@code target}; it keeps the metadata interceptors add.
   */
  public static Outgoing client(MethodDescriptor<?, ?> method, String target) {
    return new Outgoing(method, URI.create(target));
  }

  /** An outgoing call with default options and no deadline, keeping what interceptors add. */
  public static final class Outgoing implements OutgoingCall {
    private final MethodDescriptor<?, ?> method;
    private final URI target;
    private Metadata headers = Metadata.EMPTY;

    private Outgoing(MethodDescriptor<?, ?> method, URI target) {
      this.method = Objects.requireNonNull(method, "method");
      this.target = target;
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

    /** The request metadata so far: what the interceptors added. */
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
