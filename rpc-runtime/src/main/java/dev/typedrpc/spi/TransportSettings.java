package dev.typedrpc.spi;

import java.time.Duration;

/**
 * Limits and timeouts a transport enforces. Every size is checked before anything is allocated for it.
 *
 * @param maxMessageSize largest encoded message accepted or sent; a larger one fails its call with
 *     {@code RESOURCE_EXHAUSTED} and leaves the connection and other calls alone
 * @param maxFrameSize largest single frame; a message larger than this travels in several frames. A peer's frame
 *     over the limit is a connection error
 * @param maxMetadataSize largest encoded header or trailer block of one call
 * @param maxConcurrentStreams most calls open at once on one connection; more are refused with
 *     {@code RESOURCE_EXHAUSTED}
 * @param connectTimeout how long a client waits for the connection and handshake
 * @param maxBufferedMessages most received messages one stream holds that its reader has not asked for yet
 * @param keepAlive keep-alive PINGs, the server's ping policy and connection idle and age limits
 */
public record TransportSettings(
    int maxMessageSize,
    int maxFrameSize,
    int maxMetadataSize,
    int maxConcurrentStreams,
    Duration connectTimeout,
    int maxBufferedMessages,
    KeepAliveSettings keepAlive) {

  public static final TransportSettings DEFAULT =
      new TransportSettings(4 << 20, 64 << 10, 8 << 10, 1000, Duration.ofSeconds(10), 64);

  /** Settings with {@link KeepAliveSettings#DEFAULT}. */
  public TransportSettings(
      int maxMessageSize,
      int maxFrameSize,
      int maxMetadataSize,
      int maxConcurrentStreams,
      Duration connectTimeout,
      int maxBufferedMessages) {
    this(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        KeepAliveSettings.DEFAULT);
  }

  public TransportSettings {
    if (keepAlive == null) {
      throw new IllegalArgumentException("keepAlive is required");
    }
    if (maxMessageSize < 1 || maxFrameSize < 1024 || maxMetadataSize < 256 || maxConcurrentStreams < 1) {
      throw new IllegalArgumentException("transport limits out of range");
    }
  }

  public TransportSettings withMaxMessageSize(int size) {
    return new TransportSettings(
        size,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        keepAlive);
  }

  public TransportSettings withMaxFrameSize(int size) {
    return new TransportSettings(
        maxMessageSize,
        size,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        keepAlive);
  }

  public TransportSettings withMaxConcurrentStreams(int n) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        n,
        connectTimeout,
        maxBufferedMessages,
        keepAlive);
  }

  public TransportSettings withConnectTimeout(Duration timeout) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        timeout,
        maxBufferedMessages,
        keepAlive);
  }

  /** These settings with {@code keepAlive} for liveness. */
  public TransportSettings withKeepAlive(KeepAliveSettings keepAlive) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        keepAlive);
  }
}
