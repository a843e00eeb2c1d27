package dev.typedrpc.internal;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.testing.StartCancelRace;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancel racing start is never lost (see {@link StartCancelRace}), on the in-memory transport.
 */
@Timeout(120)
class ClientCallRaceTest {
  @Test
  void cancelRacingStartIsNeverLost() throws Exception {
    String name = "race-" + UUID.randomUUID();
    StartCancelRace race = new StartCancelRace();
    try (RpcServer server =
            RpcServer.builder()
                .listen("mem:" + name)
                .addService(race.definition())
                .build()
                .start();
        RpcChannel channel = RpcChannel.connect(URI.create("mem:" + name))) {
      channel.connectNow().get();
      race.run(channel, 2000);
    }
  }
}
