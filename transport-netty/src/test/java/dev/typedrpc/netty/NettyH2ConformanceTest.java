package dev.typedrpc.netty;

import dev.typedrpc.netty.internal.grpc.H2Limits;
import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared transport conformance suite over gRPC's HTTP/2 protocol: the server listens as a
 * WebSocket server (the same port speaks h2c) and the client connects with {@code h2c://}, with
 * leak checks.
 */
@ExtendWith(LeakCheck.class)
class NettyH2ConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("ws://127.0.0.1:0/rpc");
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create("h2c://" + serverAddress.getHost() + ":" + serverAddress.getPort());
  }

  /**
   * gRPC has no message credit: the producer runs ahead by what the client's HTTP/2 stream window
   * holds (items of this test take at least 12 bytes framed) plus the messages a stream accepts
   * ahead of the network.
   */
  @Override
  protected long serverStreamingLookahead() {
    return H2Limits.STREAM_WINDOW / 12 + H2Limits.SEND_WINDOW + 1;
  }

  /**
   * gRPC over HTTP/2 does not carry the connect-time service exchange yet (see docs/ROADMAP.md).
   */
  @Override
  protected boolean announcesServices() {
    return false;
  }
}
