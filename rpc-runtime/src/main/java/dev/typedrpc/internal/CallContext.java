package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime's {@link RpcContext}: one per server call. */
final class CallContext extends RpcContext {
  private static final Logger log = LoggerFactory.getLogger(CallContext.class);

  private final MethodDescriptor<?, ?> method;
  private final Metadata headers;
  private final Deadline deadline;
  private final String peer;
  private final ServiceVersion clientService;
  // guarded by this: null once cancelled or completed
  private List<Runnable> listeners = new ArrayList<>(2);
  private boolean completed; // guarded by this
  private volatile Status cancellation; // written holding this
  private ResponseMetadata response; // set by the server call before the implementation runs

  CallContext(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      String peer,
      ServiceVersion clientService) {
    this.method = method;
    this.headers = headers;
    this.deadline = deadline;
    this.peer = peer;
    this.clientService = clientService;
  }

  /**
   * The server call behind the context: where {@link #sendHeaders} and {@link #setTrailers} go, and
   * what the transport is asked (only by those who want it).
   */
  interface ResponseMetadata {
    void sendHeaders(Metadata headers);

    void addTrailers(Metadata trailers);

    void setCompression(String name);

    /** The transport's URI scheme. */
    String transport();

    /** The certificate chain the client presented over TLS; empty without one. */
    List<X509Certificate> peerCertificates();
  }

  void responseMetadata(ResponseMetadata response) {
    this.response = response;
  }

  @Override
  public List<X509Certificate> peerCertificates() {
    return response.peerCertificates(); // a fact of the connection: asked only by those who want it
  }

  @Override
  public void sendHeaders(Metadata headers) {
    response.sendHeaders(headers);
  }

  @Override
  public void setTrailers(Metadata trailers) {
    response.addTrailers(trailers);
  }

  // ------------------------------------------------------------------ compression

  @Override
  public void setCompression(String name) {
    if (!"gzip".equals(name) && !"identity".equals(name)) {
      throw new IllegalArgumentException(
          "unsupported compression '" + name + "': use gzip or identity");
    }
    response.setCompression(name);
  }

  void run(Runnable body) {
    runWith(this, body);
  }

  /** The context current on this thread, or null outside a server call. */
  static RpcContext currentCall() {
    return RpcContext.currentOrNull();
  }

  /** Marks the call cancelled and runs the listeners; later calls do nothing. */
  void cancel(Status status) {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancellation != null || completed) {
        return;
      }
      cancellation = status;
      toRun = listeners;
      listeners = null;
    }
    for (Runnable r : toRun) {
      runListener(r);
    }
  }

  /** The call finished normally: listeners will never run. */
  synchronized void complete() {
    if (cancellation == null) {
      completed = true;
      listeners = null;
    }
  }

  @Override
  public void addCancelListener(Runnable listener) {
    var unused = addRemovableCancelListener(listener);
  }

  /**
   * As {@link #addCancelListener}, returning what removes the listener again: a call made while
   * serving this one removes its listener when it ends, so that a long call making many calls does
   * not keep a listener per finished call.
   */
  Runnable addRemovableCancelListener(Runnable listener) {
    synchronized (this) {
      if (completed) {
        return () -> {}; // the call can no longer be cancelled
      }
      if (cancellation == null) {
        listeners.add(listener);
        return () -> removeCancelListener(listener);
      }
    }
    runListener(listener);
    return () -> {};
  }

  /** How many cancel listeners wait; for tests. */
  synchronized int cancelListenerCount() {
    return listeners == null ? 0 : listeners.size();
  }

  private synchronized void removeCancelListener(Runnable listener) {
    if (listeners != null) {
      listeners.remove(listener);
    }
  }

  private static void runListener(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("cancel listener failed", e);
    }
  }

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
    return deadline;
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public String transport() {
    return response.transport();
  }

  @Override
  public ServiceVersion clientService() {
    return clientService;
  }

  @Override
  public boolean isCancelled() {
    return cancellation != null;
  }

  @Override
  public Status cancellationStatus() {
    return cancellation;
  }
}
