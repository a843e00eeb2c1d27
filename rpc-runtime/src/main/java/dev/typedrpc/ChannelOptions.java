package dev.typedrpc;

import dev.typedrpc.spi.TransportSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Settings of an {@link RpcChannel}. Immutable.
 *
 * @param transport limits and timeouts of the transport
 * @param executor where response callbacks, futures and subscribers run; null means a shared pool of daemon
 *     threads. A direct executor ({@code Runnable::run}) is fastest but then callbacks must not block.
 * @param transportOrder for a {@code typedrpc://host:port/path} target, the transports tried, in order, until one
 *     connects (URI schemes, e.g. {@code ws}, {@code h2c}, {@code sse}); schemes with no transport on the class
 *     path are skipped
 * @param attemptTimeout how long each transport of {@code transportOrder} gets to connect before the next is tried
 */
public record ChannelOptions(
    TransportSettings transport, Executor executor, List<String> transportOrder, Duration attemptTimeout) {

  /** The default order: WebSocket, then HTTP/2 (gRPC), then Server-Sent Events + POST. */
  public static final List<String> DEFAULT_TRANSPORT_ORDER = List.of("ws", "h2c", "sse");

  public static final ChannelOptions DEFAULT =
      new ChannelOptions(TransportSettings.DEFAULT, null, DEFAULT_TRANSPORT_ORDER, Duration.ofSeconds(5));

  public ChannelOptions {
    Objects.requireNonNull(transport, "transport");
    transportOrder = List.copyOf(transportOrder);
    if (transportOrder.isEmpty()) {
      throw new IllegalArgumentException("transportOrder needs at least one scheme");
    }
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout must be positive");
    }
  }

  public ChannelOptions withTransport(TransportSettings transport) {
    return new ChannelOptions(transport, executor, transportOrder, attemptTimeout);
  }

  public ChannelOptions withExecutor(Executor executor) {
    return new ChannelOptions(transport, executor, transportOrder, attemptTimeout);
  }

  /** The transports a {@code typedrpc://} target negotiates, in order. */
  public ChannelOptions withTransportOrder(List<String> schemes) {
    return new ChannelOptions(transport, executor, schemes, attemptTimeout);
  }

  public ChannelOptions withAttemptTimeout(Duration timeout) {
    return new ChannelOptions(transport, executor, transportOrder, timeout);
  }
}
