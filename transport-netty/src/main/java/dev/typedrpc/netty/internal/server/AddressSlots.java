package dev.typedrpc.netty.internal.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slots held at once, counted in total and per client address, each with a cap: the one mechanism
 * behind the server's connection limits and its SSE session limits. Taking a slot is atomic:
 * however many threads race, no more than the caps are ever held (the per-address count changes
 * inside the map's own lock, so a count that drops to zero and leaves the map cannot swallow a
 * concurrent increment). Thread-safe.
 */
public final class AddressSlots {
  /** Why a slot was refused. */
  public enum Refusal {
    TOTAL,
    ADDRESS
  }

  /** The key of connections without an IP address (e.g. local channels). */
  private static final InetAddress NONE = InetAddress.getLoopbackAddress();

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  public AddressSlots(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Takes a slot for {@code address} (null: one without an address), or returns why not. A slot
   * taken must be given back with {@link #release} exactly once.
   */
  public Refusal tryAcquire(InetAddress address) {
    if (total.incrementAndGet() > max) {
      total.decrementAndGet();
      return Refusal.TOTAL;
    }
    boolean[] taken = {false};
    perAddress.compute(
        key(address),
        (a, n) -> {
          int held = n == null ? 0 : n;
          if (held >= maxPerAddress) {
            return n;
          }
          taken[0] = true;
          return held + 1;
        });
    if (!taken[0]) {
      total.decrementAndGet();
      return Refusal.ADDRESS;
    }
    return null;
  }

  /** Gives back a slot {@link #tryAcquire} took for {@code address}. */
  public void release(InetAddress address) {
    perAddress.computeIfPresent(key(address), (a, n) -> n <= 1 ? null : n - 1);
    total.decrementAndGet();
  }

  /** The cap in total. */
  public int max() {
    return max;
  }

  /** The cap per address. */
  public int maxPerAddress() {
    return maxPerAddress;
  }

  /** Slots held now, in total. */
  public int held() {
    return total.get();
  }

  private static InetAddress key(InetAddress address) {
    return address == null ? NONE : address;
  }
}
