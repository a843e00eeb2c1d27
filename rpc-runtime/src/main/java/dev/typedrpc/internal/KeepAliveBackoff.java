package dev.typedrpc.internal;

import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's keep-alive time, doubled each time a server ends a connection because the client
 * pinged too often (GOAWAY {@code too_many_pings}), as gRPC-Java's {@code AtomicBackoff} does: the
 * channel's next connections ping half as often, until the server's policy is met. Thread-safe.
 */
final class KeepAliveBackoff {
  private static final Logger log = LoggerFactory.getLogger(KeepAliveBackoff.class);

  private final TransportSettings configured;
  private TransportSettings current; // guarded by this

  KeepAliveBackoff(TransportSettings configured) {
    this.configured = configured;
    this.current = configured;
  }

  /** The settings for the next connection. */
  synchronized TransportSettings settings() {
    return current;
  }

  /** The server said the client pings too often: the next connections ping half as often. */
  synchronized void tooManyPings() {
    KeepAliveSettings ka = current.keepAlive();
    long nanos = ka.keepAliveTimeNanos(false);
    if (nanos == Long.MAX_VALUE) {
      return; // keep-alive is off: the pings were not ours to slow down
    }
    Duration doubled =
        nanos > Long.MAX_VALUE / 2 ? KeepAliveSettings.OFF : Duration.ofNanos(nanos * 2);
    current = current.withKeepAlive(ka.withKeepAliveTime(doubled));
    log.warn(
        "the server said this client pings too often (too_many_pings): keep-alive time raised to"
            + " {} for the next connections (configured {})",
        doubled,
        configured.keepAlive().keepAliveTime());
  }
}
