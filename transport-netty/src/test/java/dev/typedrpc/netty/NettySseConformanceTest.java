package dev.typedrpc.netty;

import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared conformance suite over Server-Sent Events + POST, against the same server port that
 * serves WebSocket, with leak checks.
 */
@ExtendWith(LeakCheck.class)
class NettySseConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("ws://127.0.0.1:0/rpc");
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create("sse://" + serverAddress.getRawAuthority() + serverAddress.getRawPath());
  }
}
