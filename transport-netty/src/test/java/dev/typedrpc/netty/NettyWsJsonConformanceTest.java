package dev.typedrpc.netty;

import dev.typedrpc.testing.AbstractJsonConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared conformance suite over WebSocket with proto3 JSON messages ({@code
 * ?message-encoding=json}): every behaviour is the same as with binary ones.
 */
@ExtendWith(LeakCheck.class)
class NettyWsJsonConformanceTest extends AbstractJsonConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("ws://127.0.0.1:0/rpc");
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create(serverAddress + "?message-encoding=json");
  }
}
