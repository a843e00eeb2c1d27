package dev.typedrpc.spi;

import java.time.Duration;

/**
 * Limits and timeouts a transport enforces. Every size is checked before anything is allocated for
 * it; what a peer sees when it exceeds one is listed in {@code docs/LIMITS.md}.
 *
 * @param maxMessageSize largest encoded message accepted or sent; a larger one fails its call with
 *     {@code RESOURCE_EXHAUSTED} and leaves the connection and other calls alone
 * @param maxFrameSize largest single frame; a message larger than this travels in several frames. A
 *     peer's frame over the limit is a connection error
 * @param maxMetadataSize largest encoded header or trailer block of one call
 * @param maxConcurrentStreams most calls open at once on one connection; more are refused with
 *     {@code RESOURCE_EXHAUSTED}
 * @param connectTimeout how long a client waits for the connection and handshake; on a server, how
 *     long an accepted connection may take to complete its handshake (TLS, the HTTP request or
 *     upgrade, the client's SETTINGS) before it is closed
 * @param maxBufferedMessages most received messages one stream holds that its reader has not taken
 *     yet: the credit granted to the peer never exceeds it, whatever the reader requests (even
 *     {@code Long.MAX_VALUE}), and a peer that sends beyond its credit fails the call. Once a
 *     stream's messages are large the window is smaller still: about 64 KiB of them (at least one)
 *     are outstanding at once
 * @param maxQueuedOutboundBytes most bytes one connection may have written but not yet sent,
 *     because the peer does not read them; beyond it the connection is closed with {@code
 *     RESOURCE_EXHAUSTED}
 * @param outboundStallTimeout how long a connection's outbound buffer may stay full (the peer
 *     reading nothing) before the connection is closed with {@code RESOURCE_EXHAUSTED}
 * @param keepAlive keep-alive PINGs, the server's ping policy and connection idle and age limits
 * @param serverLimits server: connections admitted in total and per client address, and SSE
 *     sessions; a server also bounds each connection's handshake (from accept to the client's
 *     SETTINGS) by {@code connectTimeout}
 * @param compressionThreshold encoded size in bytes below which a message of a compressed call is
 *     sent uncompressed (compressing a small message costs more than it saves); 0 compresses every
 *     message. See {@code docs/COMPRESSION.md}
 */
public record TransportSettings(
    int maxMessageSize,
    int maxFrameSize,
    int maxMetadataSize,
    int maxConcurrentStreams,
    Duration connectTimeout,
    int maxBufferedMessages,
    long maxQueuedOutboundBytes,
    Duration outboundStallTimeout,
    KeepAliveSettings keepAlive,
    ServerLimits serverLimits,
    int compressionThreshold) {

  /**
   * Default {@link #maxQueuedOutboundBytes}: room for two of the largest messages and their frames.
   */
  public static final long DEFAULT_MAX_QUEUED_OUTBOUND_BYTES = 16L << 20;

  /** Default {@link #compressionThreshold}: 1 KiB. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

  /** Default {@link #outboundStallTimeout}. */
  public static final Duration DEFAULT_OUTBOUND_STALL_TIMEOUT = Duration.ofSeconds(30);

  /** Seconds over which the calls a client cancels are counted: {@link #maxCancelsPerWindow()}. */
  public static final int CANCEL_WINDOW_SECONDS = 10;

  public static final TransportSettings DEFAULT =
      new TransportSettings(4 << 20, 64 << 10, 8 << 10, 1000, Duration.ofSeconds(10), 1024);

  public TransportSettings {
    if (maxMessageSize < 1
        || maxFrameSize < 1024
        || maxMetadataSize < 256
        || maxConcurrentStreams < 1) {
      throw new IllegalArgumentException("transport limits out of range");
    }
    if (maxBufferedMessages < 1) {
      throw new IllegalArgumentException(
          "maxBufferedMessages must be at least 1, was " + maxBufferedMessages);
    }
    if (maxQueuedOutboundBytes < 64 * 1024) {
      throw new IllegalArgumentException(
          "maxQueuedOutboundBytes must be at least 65536, was " + maxQueuedOutboundBytes);
    }
    if (outboundStallTimeout == null
        || outboundStallTimeout.isNegative()
        || outboundStallTimeout.isZero()) {
      throw new IllegalArgumentException(
          "outboundStallTimeout must be positive, was " + outboundStallTimeout);
    }
    if (keepAlive == null) {
      throw new IllegalArgumentException("keepAlive is required");
    }
    if (serverLimits == null) {
      throw new IllegalArgumentException("serverLimits is required");
    }
    if (compressionThreshold < 0) {
      throw new IllegalArgumentException(
          "compressionThreshold must not be negative, was " + compressionThreshold);
    }
  }

  /**
   * Calls one client may cancel on a connection within {@link #CANCEL_WINDOW_SECONDS} before the
   * server closes the connection with {@code RESOURCE_EXHAUSTED} (HTTP/2: GOAWAY {@code
   * ENHANCE_YOUR_CALM}): the guard against "rapid reset", where a client starts and cancels calls
   * faster than the server can run them, which the concurrent-call limit does not bound. Ten times
   * {@link #maxConcurrentStreams}, at least 1,000: far above what hedging or type-ahead search
   * cancel.
   */
  public int maxCancelsPerWindow() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1000L, 10L * maxConcurrentStreams));
  }

  /** The settings with the outbound bounds and keep-alive at their defaults. */
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
        DEFAULT_MAX_QUEUED_OUTBOUND_BYTES,
        DEFAULT_OUTBOUND_STALL_TIMEOUT,
        KeepAliveSettings.DEFAULT,
        ServerLimits.DEFAULT,
        DEFAULT_COMPRESSION_THRESHOLD);
  }

  public TransportSettings withMaxMessageSize(int size) {
    return new TransportSettings(
        size,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withMaxFrameSize(int size) {
    return new TransportSettings(
        maxMessageSize,
        size,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withMaxConcurrentStreams(int n) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        n,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withConnectTimeout(Duration timeout) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        timeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withMaxBufferedMessages(int n) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        n,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withMaxQueuedOutboundBytes(long bytes) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        bytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  public TransportSettings withOutboundStallTimeout(Duration timeout) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        timeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
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
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        compressionThreshold);
  }

  /** These settings with {@code limits} on what a server admits. */
  public TransportSettings withServerLimits(ServerLimits limits) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        limits,
        compressionThreshold);
  }

  /**
   * These settings with {@code bytes} as the {@link #compressionThreshold}: messages of a
   * compressed call encoded in fewer bytes go uncompressed.
   */
  public TransportSettings withCompressionThreshold(int bytes) {
    return new TransportSettings(
        maxMessageSize,
        maxFrameSize,
        maxMetadataSize,
        maxConcurrentStreams,
        connectTimeout,
        maxBufferedMessages,
        maxQueuedOutboundBytes,
        outboundStallTimeout,
        keepAlive,
        serverLimits,
        bytes);
  }
}
