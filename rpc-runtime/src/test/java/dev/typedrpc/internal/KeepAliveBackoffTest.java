package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a GOAWAY too_many_pings, a channel's next connections ping half as often, as gRPC-Java's
 * do; a channel that does not ping is left alone.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KeepAliveBackoffTest {
  @Test
  void eachTooManyPingsDoublesTheKeepAliveTimeOfTheNextConnection() throws Exception {
    TestTransports.PINGY_KEEP_ALIVE_TIMES.clear();
    TransportSettings settings =
        TransportSettings.DEFAULT.withKeepAlive(
            KeepAliveSettings.DEFAULT.withKeepAliveTime(Duration.ofMillis(100)));
    try (RpcChannel channel =
        RpcChannel.connect(
            URI.create("pingy://server"), ChannelOptions.DEFAULT.withTransport(settings))) {
      for (int i = 0; i < 4; i++) {
        channel.connectNow().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(TestTransports.PINGY_KEEP_ALIVE_TIMES)
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800));
  }

  @Test
  void withoutKeepAliveNothingChanges() {
    KeepAliveBackoff backoff = new KeepAliveBackoff(TransportSettings.DEFAULT);
    backoff.tooManyPings();
    assertThat(backoff.settings()).isSameAs(TransportSettings.DEFAULT);
  }

  @Test
  void theDoublingSaturates() {
    KeepAliveBackoff backoff =
        new KeepAliveBackoff(
            TransportSettings.DEFAULT.withKeepAlive(
                KeepAliveSettings.DEFAULT.withKeepAliveTime(Duration.ofNanos(Long.MAX_VALUE / 3))));
    backoff.tooManyPings();
    backoff.tooManyPings();
    assertThat(backoff.settings().keepAlive().keepAliveTime()).isEqualTo(KeepAliveSettings.OFF);
    assertThat(List.of(backoff.settings().keepAlive().keepAliveTimeNanos(false)))
        .containsExactly(Long.MAX_VALUE);
  }
}
