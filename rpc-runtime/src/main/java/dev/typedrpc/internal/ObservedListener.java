package dev.typedrpc.internal;

import dev.typedrpc.ClientCall;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.function.Consumer;

/**
 * The listener of an intercepted client call: shows responses and the close to the observers and
 * runs every callback inside their {@link dev.typedrpc.CallObserver#run}.
 */
final class ObservedListener<Resp> extends ClientCall.Listener<Resp> {
  private final ClientCall.Listener<Resp> delegate;
  private final Interception interception;
  private final Consumer<Status> cancel;

  /**
   * @param cancel ends the call with a status, when an observer refuses a response
   */
  ObservedListener(
      ClientCall.Listener<Resp> delegate, Interception interception, Consumer<Status> cancel) {
    this.delegate = delegate;
    this.interception = interception;
    this.cancel = cancel;
  }

  @Override
  public void onHeaders(Metadata headers) {
    interception.run(() -> delegate.onHeaders(headers));
  }

  @Override
  public void onMessage(Resp message) {
    interception.run(
        () -> {
          try {
            interception.onResponse(message);
          } catch (RpcException e) {
            cancel.accept(e.status());
            return;
          }
          delegate.onMessage(message);
        });
  }

  @Override
  public void onReady() {
    interception.run(delegate::onReady);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    interception.run(
        () -> {
          interception.onClose(status, trailers);
          delegate.onClose(status, trailers);
        });
  }
}
