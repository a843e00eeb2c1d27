package dev.typedrpc.bench.driver;

/** Sanity checks the clients apply to every response, so a broken system cannot look fast. */
public final class Checks {
  /** No single streaming call may take longer than this; the workloads stop well before. */
  public static final long STREAM_TIMEOUT_SECONDS = 60;

  private Checks() {}

  public static void sameLength(int sent, int received) {
    if (sent != received) {
      throw new IllegalStateException("sent " + sent + " bytes, the echo returned " + received);
    }
  }
}
