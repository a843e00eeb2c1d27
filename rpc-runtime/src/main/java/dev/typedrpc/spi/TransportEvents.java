package dev.typedrpc.spi;

/**
 * Connection-level events of a server's or a channel's transports, for metrics: registered with
 * {@code RpcServer.Builder.transportEvents} or {@code ChannelOptions.withTransportEvents}. Called
 * on transport threads, so implementations must be quick, must not block and must not throw; they
 * may be called concurrently. Without one, the runtime uses {@link #NONE} and does nothing more.
 *
 * <p>A transport is named by its URI scheme: {@code ws}, {@code wss}, {@code sse}, {@code sses},
 * {@code h2c}, {@code h2}, {@code mem}.
 */
public interface TransportEvents {
  /** Events nobody listens to. */
  TransportEvents NONE = new TransportEvents() {};

  /**
   * A connection is open: on a server, a client connected (after its handshake); on a client, the
   * channel's connection became ready.
   */
  default void connectionOpened(String transport) {}

  /** A connection {@linkplain #connectionOpened opened} before is closed. Once per opened. */
  default void connectionClosed(String transport) {}

  /**
   * A channel negotiating its transport ({@code typedrpc://} target) gave up on one: it did not
   * connect in time or failed, and the channel tries the next one (or fails, after the last).
   */
  default void transportAttemptFailed(String transport, String reason) {}
}
