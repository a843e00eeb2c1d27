package dev.typedrpc.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of one intercepted call, in the order their interceptors ran (the first is the
 * outermost). Calls them one at a time: requests first to last, responses and the close last to
 * first, the close once and after everything else; nests {@link #run} outermost first. A call with
 * no interceptor has no instance of this class. Thread-safe.
 */
final class Interception {
  private static final Logger log = LoggerFactory.getLogger(Interception.class);

  private final CallObserver[] observers; // guarded by this
  private int count; // guarded by this
  private Status closedWith; // guarded by this
  private Metadata closedTrailers; // guarded by this

  Interception(int interceptors) {
    observers = new CallObserver[interceptors];
  }

  /**
   * Adds the observer of the next interceptor; if the call closed meanwhile, the observer hears of
   * it at once.
   */
  void add(CallObserver observer) {
    if (observer == null || observer == CallObserver.NONE) {
      return;
    }
    Status status;
    Metadata trailers;
    synchronized (this) {
      if (closedWith == null) {
        observers[count++] = observer;
        return;
      }
      status = closedWith;
      trailers = closedTrailers;
    }
    closeOne(observer, status, trailers);
  }

  /**
   * A request message; throws the {@link RpcException} of an observer that refuses it (the call
   * must then end with its status).
   */
  synchronized void onRequest(Object message) {
    if (closedWith != null) {
      return;
    }
    for (int i = 0; i < count; i++) {
      try {
        observers[i].onRequest(message);
      } catch (RpcException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn("a call observer's onRequest failed; ignored", e);
      }
    }
  }

  /** A response message; as {@link #onRequest}. */
  synchronized void onResponse(Object message) {
    if (closedWith != null) {
      return;
    }
    for (int i = count - 1; i >= 0; i--) {
      try {
        observers[i].onResponse(message);
      } catch (RpcException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn("a call observer's onResponse failed; ignored", e);
      }
    }
  }

  /** The call ended; later calls do nothing. */
  synchronized void onClose(Status status, Metadata trailers) {
    if (closedWith != null) {
      return;
    }
    closedWith = status;
    closedTrailers = trailers;
    // holding the lock: no request or response can overtake the close
    for (int i = count - 1; i >= 0; i--) {
      closeOne(observers[i], status, trailers);
    }
  }

  private static void closeOne(CallObserver observer, Status status, Metadata trailers) {
    try {
      observer.onClose(status, trailers);
    } catch (RuntimeException e) {
      log.warn("a call observer's onClose failed; ignored", e);
    }
  }

  /** Runs {@code code} inside every observer's {@link CallObserver#run}, the first outermost. */
  void run(Runnable code) {
    CallObserver[] all;
    synchronized (this) {
      all = count == 0 ? null : Arrays.copyOf(observers, count);
    }
    if (all == null) {
      code.run();
    } else {
      runFrom(all, 0, code);
    }
  }

  private static void runFrom(CallObserver[] all, int i, Runnable code) {
    if (i == all.length) {
      code.run();
    } else {
      all[i].run(() -> runFrom(all, i + 1, code));
    }
  }
}
