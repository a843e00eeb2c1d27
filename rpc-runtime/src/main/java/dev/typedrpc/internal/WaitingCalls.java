package dev.typedrpc.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The wait-for-ready calls of a channel that is not ready, in arrival order, at most {@code max}. A
 * call leaves when the channel becomes ready (all are taken at once), or when it is cancelled or
 * its deadline passes while it waits. Thread-safe; it calls nothing while holding its lock, so it
 * may be used under the channel's.
 */
final class WaitingCalls {
  private final int max;
  private final Set<PendingStream> calls = new LinkedHashSet<>(); // guarded by this

  WaitingCalls(int max) {
    this.max = max;
  }

  /** Adds {@code call}; false if {@code max} calls wait already. */
  synchronized boolean add(PendingStream call) {
    if (calls.size() >= max) {
      return false;
    }
    calls.add(call);
    return true;
  }

  synchronized void remove(PendingStream call) {
    calls.remove(call);
  }

  synchronized boolean isEmpty() {
    return calls.isEmpty();
  }

  synchronized int size() {
    return calls.size();
  }

  /** Takes every waiting call, in arrival order. */
  synchronized List<PendingStream> takeAll() {
    List<PendingStream> all = new ArrayList<>(calls);
    calls.clear();
    return all;
  }

  int max() {
    return max;
  }
}
