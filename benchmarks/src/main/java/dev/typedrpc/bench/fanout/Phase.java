package dev.typedrpc.bench.fanout;

/**
 * The parts of one run, by the {@link #code} events carry; latencies are recorded for {@link
 * #FIXED_RATE} and {@link #MAXIMUM}.
 */
enum Phase {
  /** Posts until every subscriber has received one: the subscriptions are in place. */
  READY(0),
  /** Posts as at the maximum, not recorded. */
  WARMUP(1),
  /** Posts at the stated rate, whether or not the subscribers keep up. */
  FIXED_RATE(2),
  /** Posts as fast as the subscribers take them: a bounded number of events in flight. */
  MAXIMUM(3);

  /** How many phases there are: codes are below it. */
  static final int COUNT = 4;

  /** The phase's number in {@link FeedEvent#phase()}. */
  final int code;

  Phase(int code) {
    this.code = code;
  }

  static Phase of(int code) {
    return switch (code) {
      case 0 -> READY;
      case 1 -> WARMUP;
      case 2 -> FIXED_RATE;
      case 3 -> MAXIMUM;
      default -> throw new IllegalArgumentException("no phase " + code);
    };
  }

  boolean recorded() {
    return this == FIXED_RATE || this == MAXIMUM;
  }

  boolean closedLoop() {
    return this == WARMUP || this == MAXIMUM;
  }
}
