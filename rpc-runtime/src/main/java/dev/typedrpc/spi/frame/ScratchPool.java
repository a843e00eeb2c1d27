package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedOutputStream;

/**
 * The arrays {@link FrameBatcher} encodes small frames into, lent per thread rather than kept per
 * connection: a batcher takes one when a batch opens and gives it back once the sink has copied the
 * batch out, so an idle connection holds none (an array per connection cost 8 KiB each, 80 MiB of
 * heap for 10,000 idle connections).
 *
 * <p>Each thread keeps up to {@link #PER_THREAD} arrays: while they are all taken (other
 * connections on the same thread with a batch open, waiting for their flush) a batcher gets a new
 * one, which joins the thread's arrays when given back if there is room and is garbage otherwise.
 * An array is held by one batcher at a time: whoever holds it is the only one writing to it.
 */
final class ScratchPool {
  /** Arrays a thread keeps: 32 KiB per thread that writes frames (an event loop). */
  static final int PER_THREAD = 4;

  /** An array and the encoder that writes into it from where the last frame ended. */
  static final class Scratch {
    final byte[] array = new byte[FrameBatcher.SCRATCH_SIZE];

    /** Null until first used, and after an encoding failed (its position is unknown then). */
    CodedOutputStream out;
  }

  /** A thread's spare arrays: {@code count} of them, from index 0. */
  private static final class Spares {
    final Scratch[] scratches = new Scratch[PER_THREAD];
    int count;
  }

  private static final ThreadLocal<Spares> SPARES = ThreadLocal.withInitial(Spares::new);

  private ScratchPool() {}

  /** One of this thread's spare arrays, or a new one if it has none. */
  static Scratch take() {
    Spares spares = SPARES.get();
    int n = spares.count;
    if (n == 0) {
      return new Scratch();
    }
    n--;
    spares.count = n;
    Scratch s = spares.scratches[n];
    spares.scratches[n] = null;
    return s;
  }

  /**
   * Gives {@code s} to this thread's spares (kept if there is room); the caller no longer uses it.
   */
  static void give(Scratch s) {
    Spares spares = SPARES.get();
    int n = spares.count;
    if (n < PER_THREAD) {
      spares.scratches[n] = s;
      spares.count = n + 1;
    }
  }

  /** How many spare arrays this thread holds, for tests. */
  static int spares() {
    return SPARES.get().count;
  }
}
