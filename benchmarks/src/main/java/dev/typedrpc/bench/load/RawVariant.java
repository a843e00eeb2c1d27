package dev.typedrpc.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the raw Netty echo (E) writes: the variants the ceiling is the best of. Both ends of one run
 * use the same variant, chosen by the system property {@value #PROPERTY} of the server and client
 * JVMs (the orchestrator runs every variant in its own pair of JVMs).
 */
enum RawVariant {
  /**
   * One buffer per frame (and one for its length prefix); the server flushes once per read batch.
   */
  PLAIN("plain", false, false, RawVariant.FLUSH_EVERY),
  /** Netty's {@code FlushConsolidationHandler} at the head of both pipelines. */
  FLUSH_CONSOLIDATION("flushcons", true, false, RawVariant.FLUSH_EVERY),
  /**
   * The frames written before one flush are packed into one buffer (up to 64 KiB), and the client's
   * callers hand their frames to one drain task on the event loop instead of one task each.
   */
  PACKED("packed", false, true, RawVariant.FLUSH_EVERY),
  /** Both of the above. */
  PACKED_FLUSH_CONSOLIDATION("packed+flushcons", true, true, RawVariant.FLUSH_EVERY),
  /**
   * Packed, and the streaming server flushes once per credit window of messages ({@link
   * TypedrpcEcho#STREAM_WINDOW}, what typedrpc's subscriber holds out) instead of every {@value
   * #FLUSH_EVERY}: a streaming server tuned as typedrpc's engine is, which packs everything it may
   * send into one flush.
   */
  PACKED_WINDOW("packed+window", false, true, TypedrpcEcho.STREAM_WINDOW);

  static final String PROPERTY = "typedrpc.bench.raw";

  /** How many stream messages the server writes per flush, unless the variant says otherwise. */
  static final int FLUSH_EVERY = 64;

  final String key;
  final boolean consolidateFlushes;
  final boolean pack;

  /** Stream messages the server writes between flushes (while the channel is writable). */
  final int flushEvery;

  RawVariant(String key, boolean consolidateFlushes, boolean pack, int flushEvery) {
    this.key = key;
    this.consolidateFlushes = consolidateFlushes;
    this.pack = pack;
    this.flushEvery = flushEvery;
  }

  /** The variant this JVM runs: {@value #PROPERTY}, {@link #PLAIN} when unset. */
  static RawVariant current() {
    return byKey(System.getProperty(PROPERTY, PLAIN.key));
  }

  static RawVariant byKey(String key) {
    for (RawVariant v : values()) {
      if (v.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "no raw echo variant "
            + key
            + "; use plain, flushcons, packed, packed+flushcons or packed+window");
  }

  /** The JVM flag that selects this variant. */
  String jvmFlag() {
    return "-D" + PROPERTY + "=" + key;
  }

  /**
   * The variants an end-to-end run measures: every one, unless {@code jvmArgs} names some with
   * {@code -Dtypedrpc.bench.raw=a,b}.
   */
  static List<RawVariant> selected(List<String> jvmArgs) {
    String prefix = "-D" + PROPERTY + "=";
    for (String arg : jvmArgs) {
      if (arg.startsWith(prefix)) {
        List<RawVariant> chosen = new ArrayList<>();
        for (String key : arg.substring(prefix.length()).split(",", -1)) {
          chosen.add(byKey(key));
        }
        return chosen;
      }
    }
    return List.of(values());
  }
}
