package dev.typedrpc.presence;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.util.ArrayList;
import java.util.List;

/** A served call's context for presence unit tests: it can be cancelled, as a transport would. */
public final class TestCall extends RpcContext {
  private final List<Runnable> listeners = new ArrayList<>();
  private Status cancelled;

  public synchronized void cancel() {
    cancelled = Status.CANCELLED;
    listeners.forEach(Runnable::run);
    listeners.clear();
  }

  @Override
  public synchronized void addCancelListener(Runnable listener) {
    if (cancelled != null) {
      listener.run();
    } else {
      listeners.add(listener);
    }
  }

  @Override
  public MethodDescriptor<?, ?> method() {
    return null;
  }

  @Override
  public Metadata headers() {
    return Metadata.EMPTY;
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
    return "mem";
  }

  @Override
  public ServiceVersion clientService() {
    return null;
  }

  @Override
  public synchronized boolean isCancelled() {
    return cancelled != null;
  }

  @Override
  public synchronized Status cancellationStatus() {
    return cancelled;
  }

  @Override
  public void sendHeaders(Metadata headers) {}

  @Override
  public void setTrailers(Metadata trailers) {}

  @Override
  public void setCompression(String name) {}
}
