package dev.typedrpc.bench.driver;

/** Waiting in {@code close()} methods, which must not throw {@link InterruptedException}. */
public final class Interrupts {
  /** A bounded wait that may be interrupted. */
  public interface Wait {
    void await() throws InterruptedException;
  }

  private Interrupts() {}

  /** Runs {@code wait}; if interrupted, stops waiting and keeps the thread's interrupt flag set. */
  public static void awaitQuietly(Wait wait) {
    try {
      wait.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
