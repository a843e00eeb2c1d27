package dev.typedrpc.netty;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a client transport and one of its streams report. */
public final class Recorder implements ClientTransport.Listener, ClientStreamListener {
  public final CompletableFuture<Void> ready = new CompletableFuture<>();
  public final CompletableFuture<Status> shutdown = new CompletableFuture<>();
  public final CompletableFuture<Void> terminated = new CompletableFuture<>();
  public final List<Object> messages = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Status> closed = new CompletableFuture<>();
  public final CompletableFuture<Void> tooManyPings = new CompletableFuture<>();

  @Override
  public void tooManyPings() {
    tooManyPings.complete(null);
  }

  @Override
  public void transportReady() {
    ready.complete(null);
  }

  @Override
  public void transportShutdown(Status reason) {
    shutdown.complete(reason);
  }

  @Override
  public void transportTerminated() {
    terminated.complete(null);
  }

  @Override
  public void onHeaders(Metadata headers) {}

  @Override
  public void onMessage(Object message) {
    messages.add(message);
  }

  @Override
  public void onReady() {}

  @Override
  public void onClose(Status status, Metadata trailers) {
    closed.complete(status);
  }
}
