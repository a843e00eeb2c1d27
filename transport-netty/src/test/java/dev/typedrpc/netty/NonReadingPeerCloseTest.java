package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.ChannelFrameSink;
import dev.typedrpc.netty.internal.server.NettyServerTransport;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A raw WebSocket peer on a real socket (receive buffer 4 KiB) that opens a call, floods PINGs and
 * never reads is disconnected, with the reason docs/LIMITS.md gives, by the bound on queued
 * outbound bytes; its queued bytes stay bounded meanwhile, and the server goes on serving another
 * client. {@link NonReadingPeerTest} shows the throttling (reads paused); {@link
 * StalledPeerCloseTest} the close by the stall timeout.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NonReadingPeerCloseTest {
  private static final long SMALL_BOUND = 64 * 1024;

  /** Pings let through, so that the outbound bound or the stall watch closes the peer. */
  private static final KeepAliveSettings PINGS_PERMITTED =
      KeepAliveSettings.DEFAULT
          .withPermitKeepAliveTime(Duration.ofNanos(1))
          .withPermitKeepAliveWithoutCalls(true);

  private final EchoService service = new EchoService();
  private NettyServerTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow();
      server.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * With the bound at 64 KiB (the WebSocket high-water mark) the PONGs the server cannot send cross
   * it at once: closed with "N bytes queued, limit 65536".
   */
  @Test
  void peerThatNeverReadsIsClosedAtTheOutboundBound() throws Exception {
    TransportSettings settings =
        TransportSettings.DEFAULT
            .withConnectTimeout(Duration.ofSeconds(5))
            .withMaxQueuedOutboundBytes(SMALL_BOUND)
            .withOutboundStallTimeout(Duration.ofSeconds(30)) // not the stall watch: the bound
            .withKeepAlive(PINGS_PERMITTED);
    Outcome outcome = floodUntilClosed(settings);
    assertThat(outcome.reason.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(outcome.reason.description())
        .startsWith("peer is not reading: ")
        .endsWith(" bytes queued, limit " + SMALL_BOUND);
    // the write that crossed the bound is at most one read batch of PONGs (a frame each)
    assertThat(outcome.peakQueued).isLessThanOrEqualTo(SMALL_BOUND + 64 * 1024);
  }

  private record Outcome(Status reason, long peakQueued) {}

  /**
   * Starts the server, lets the raw peer open a {@code Hold} call (whose cancellation status is the
   * close reason the server gives its calls) and flood PINGs without reading; returns the reason
   * and the peak of bytes queued for the peer, after checking the peer's socket was closed and that
   * another client is served.
   */
  private Outcome floodUntilClosed(TransportSettings settings) throws Exception {
    server =
        (NettyServerTransport)
            new NettyTransportProvider()
                .newServerTransport(URI.create("ws://127.0.0.1:0/rpc"), settings);
    server.start(service);
    int port = server.localAddress().getPort();

    Socket peer = new Socket();
    peer.setReceiveBufferSize(4096);
    peer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    RawWsPeer raw = new RawWsPeer(peer);
    raw.handshake(port);
    raw.send(RawWsPeer.SETTINGS);
    raw.send(RawWsPeer.callStart(1, EchoService.HOLD.fullName()));
    service.holding.get(10, TimeUnit.SECONDS);
    Thread flooder = raw.floodPings();

    long peak = 0;
    long started = System.nanoTime();
    while (!service.held.isDone()) { // bounded by the test's timeout
      for (Channel ch : server.connections()) {
        peak = Math.max(peak, ChannelFrameSink.queuedBytes(ch));
      }
      Thread.sleep(2);
    }
    Status reason = service.held.get(20, TimeUnit.SECONDS);
    System.out.printf(
        "non-reading peer closed after %d ms, peak %d bytes queued: %s%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), peak, reason);

    // the peer's connection is gone: its flood ends with an error, and reading finds the end
    flooder.join(10_000);
    assertThat(flooder.isAlive()).as("the flood still being accepted").isFalse();
    assertThat(drainToEnd(peer)).as("the peer's socket reached its end").isTrue();
    peer.close();

    Recorder events = new Recorder();
    ClientTransport client =
        new NettyTransportProvider()
            .newClientTransport(URI.create("ws://127.0.0.1:" + port + "/rpc"), settings);
    client.start(events);
    Recorder r = new Recorder();
    ClientStream stream = client.newStream(EchoService.ECHO, Metadata.EMPTY, null, r);
    stream.request(1);
    stream.writeLastMessage("after");
    assertThat(r.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(r.messages).containsExactly("echo:after");
    client.shutdownNow(Status.CANCELLED);
    events.terminated.get(10, TimeUnit.SECONDS);
    return new Outcome(reason, peak);
  }

  /** Reads what the server had sent before it closed; true once the end (or a reset) is reached. */
  private static boolean drainToEnd(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // what was queued before the close
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
