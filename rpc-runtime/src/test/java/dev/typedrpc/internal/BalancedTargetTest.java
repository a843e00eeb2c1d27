package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.LoadBalancing;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading targets that list several addresses, and refusing malformed ones with a clear error. */
@Timeout(10)
class BalancedTargetTest {
  private static final ChannelOptions RR =
      ChannelOptions.DEFAULT.withLoadBalancing(LoadBalancing.roundRobin());

  @Test
  void oneAddressWithoutOptionsIsNotBalanced() {
    assertThat(BalancedTarget.parse(URI.create("ws://127.0.0.1:7070/rpc"), ChannelOptions.DEFAULT))
        .isNull();
    assertThat(BalancedTarget.parse(URI.create("mem://server"), ChannelOptions.DEFAULT)).isNull();
  }

  @Test
  void aListOfAddressesIsReadInOrder() {
    BalancedTarget t =
        BalancedTarget.parse(
            URI.create("typedrpc://a.example:7070,127.0.0.1:7071,localhost:7072/rpc"),
            ChannelOptions.DEFAULT);
    assertThat(t.entries())
        .containsExactly(
            new BalancedTarget.Entry("a.example", 7070),
            new BalancedTarget.Entry("127.0.0.1", 7071),
            new BalancedTarget.Entry("localhost", 7072));
    assertThat(t.resolved()).isTrue();
    assertThat(t.uriOf(new InetSocketAddress("127.0.0.1", 7071)))
        .isEqualTo(URI.create("typedrpc://127.0.0.1:7071/rpc"));
    // java.net.URI takes no IPv6 literal in a list; a resolved IPv6 address is written bracketed
    assertThat(t.uriOf(new InetSocketAddress("::1", 7072)))
        .isEqualTo(URI.create("typedrpc://[0:0:0:0:0:0:0:1]:7072/rpc"));
  }

  @Test
  void tlsHostNamesAreLeftToTheTransport() {
    BalancedTarget t =
        BalancedTarget.parse(
            URI.create("wss://a.example:443,b.example:443/rpc?tls-trust=x"),
            ChannelOptions.DEFAULT);
    assertThat(t.resolved()).isFalse();
    assertThat(t.uriOf(t.entries().get(1)))
        .isEqualTo(URI.create("wss://b.example:443/rpc?tls-trust=x"));
  }

  @Test
  void oneAddressWithOptionsIsBalanced() {
    assertThat(BalancedTarget.parse(URI.create("ws://localhost:7070/rpc"), RR).entries())
        .containsExactly(new BalancedTarget.Entry("localhost", 7070));
  }

  @Test
  void malformedListsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> BalancedTarget.parse(URI.create("ws://a:1,,b:2/rpc"), RR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected host:port for every address")
        .hasMessageContaining("''");
    assertThatThrownBy(() -> BalancedTarget.parse(URI.create("ws://a:1,b/rpc"), RR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got b");
    assertThatThrownBy(() -> BalancedTarget.parse(URI.create("ws://a:1,user@b:2/rpc"), RR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user@b:2");
  }

  @Test
  void theNumberOfAddressesIsCapped() {
    String many =
        IntStream.range(0, LoadBalancing.MAX_ADDRESSES + 1)
            .mapToObj(i -> "127.0.0.1:" + (7000 + i))
            .collect(Collectors.joining(","));
    assertThatThrownBy(() -> BalancedTarget.parse(URI.create("ws://" + many + "/rpc"), RR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + LoadBalancing.MAX_ADDRESSES);
    String enough = many.substring(0, many.lastIndexOf(','));
    assertThat(BalancedTarget.parse(URI.create("ws://" + enough + "/rpc"), RR).entries())
        .hasSize(LoadBalancing.MAX_ADDRESSES);
  }
}
