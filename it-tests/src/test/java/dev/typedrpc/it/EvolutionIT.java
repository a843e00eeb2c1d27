package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.it.evolution.v1.InventoryRpc;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Version 1 and version 2 of one service, compiled separately by the real processor, talking over
 * the real Netty transport in both directions: every allowed change keeps both sides working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvolutionIT {

  /** The version 2 server. */
  static final class V2Server implements dev.typedrpc.it.evolution.v2.Inventory {
    private static final List<dev.typedrpc.it.evolution.v2.Item> ITEMS =
        List.of(
            new dev.typedrpc.it.evolution.v2.Item(
                "hammer",
                "Hammer",
                dev.typedrpc.it.evolution.v2.Category.TOOLS,
                Optional.of("red")),
            new dev.typedrpc.it.evolution.v2.Item(
                "apple", "Apple", dev.typedrpc.it.evolution.v2.Category.FOOD, Optional.empty()),
            new dev.typedrpc.it.evolution.v2.Item(
                "yoyo", "Yo-yo", dev.typedrpc.it.evolution.v2.Category.TOYS, Optional.of("blue")));

    final List<Integer> limitsSeen = new CopyOnWriteArrayList<>();

    @Override
    @Deprecated
    public dev.typedrpc.it.evolution.v2.Item get(String sku) {
      return ITEMS.stream().filter(i -> i.sku().equals(sku)).findFirst().orElseThrow();
    }

    @Override
    public List<dev.typedrpc.it.evolution.v2.Item> search(String query, Integer limit) {
      limitsSeen.add(limit == null ? -1 : limit);
      List<dev.typedrpc.it.evolution.v2.Item> found =
          ITEMS.stream()
              .filter(i -> i.name().toLowerCase(java.util.Locale.ROOT).contains(query))
              .toList();
      return limit == null ? found : found.subList(0, Math.min(limit, found.size()));
    }

    @Override
    public Flow.Publisher<dev.typedrpc.it.evolution.v2.StockEvent> watch(String sku) {
      return Publishers.of(
          List.of(
              new dev.typedrpc.it.evolution.v2.StockEvent.Restocked(sku, 5),
              new dev.typedrpc.it.evolution.v2.StockEvent.Discontinued(sku, "recalled"),
              new dev.typedrpc.it.evolution.v2.StockEvent.SoldOut(sku)));
    }

    @Override
    public int count() {
      return ITEMS.size();
    }
  }

  /** The version 1 server. */
  static final class V1Server implements dev.typedrpc.it.evolution.v1.Inventory {
    final List<ServiceVersion> clientVersions = new CopyOnWriteArrayList<>();

    @Override
    public dev.typedrpc.it.evolution.v1.Item get(String sku) {
      clientVersions.add(RpcContext.current().clientService());
      return new dev.typedrpc.it.evolution.v1.Item(
          sku, "Hammer", dev.typedrpc.it.evolution.v1.Category.TOOLS);
    }

    @Override
    public List<dev.typedrpc.it.evolution.v1.Item> search(String query) {
      return List.of(
          new dev.typedrpc.it.evolution.v1.Item(
              "a", "A", dev.typedrpc.it.evolution.v1.Category.TOYS),
          new dev.typedrpc.it.evolution.v1.Item(
              "b", "B", dev.typedrpc.it.evolution.v1.Category.OTHER));
    }

    @Override
    public Flow.Publisher<dev.typedrpc.it.evolution.v1.StockEvent> watch(String sku) {
      SubmissionPublisher<dev.typedrpc.it.evolution.v1.StockEvent> events =
          new SubmissionPublisher<>();
      return subscriber -> {
        events.subscribe(subscriber);
        events.submit(new dev.typedrpc.it.evolution.v1.StockEvent.Restocked(sku, 1));
        events.close();
      };
    }
  }

  @Test
  void oldClientNewServer() throws Exception {
    V2Server impl = new V2Server();
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(dev.typedrpc.it.evolution.v2.InventoryRpc.bind(impl))
                .build()
                .start();
        RpcChannel channel = RpcChannel.connect(server.address())) {
      dev.typedrpc.it.evolution.v1.Inventory v1 =
          channel.stub(dev.typedrpc.it.evolution.v1.Inventory.class);

      // added field: skipped by the old client
      assertThat(v1.get("hammer"))
          .isEqualTo(
              new dev.typedrpc.it.evolution.v1.Item(
                  "hammer", "Hammer", dev.typedrpc.it.evolution.v1.Category.TOOLS));
      // added enum constant: the old client sees its @Unrecognized constant
      assertThat(v1.get("apple").category())
          .isEqualTo(dev.typedrpc.it.evolution.v1.Category.UNRECOGNIZED);
      // added parameter: the old client does not send it, the new server reads it as absent
      assertThat(v1.search("a"))
          .extracting(dev.typedrpc.it.evolution.v1.Item::sku)
          .containsExactly("hammer", "apple");
      assertThat(impl.limitsSeen).containsExactly(-1);
      // added sealed subtype: the old client gets its @Unrecognized record, with the case number
      List<dev.typedrpc.it.evolution.v1.StockEvent> events =
          Publishers.collect(v1.watch("hammer")).get(10, TimeUnit.SECONDS);
      assertThat(events).hasSize(3);
      assertThat(events.get(0))
          .isEqualTo(new dev.typedrpc.it.evolution.v1.StockEvent.Restocked("hammer", 5));
      assertThat(events.get(1))
          .isInstanceOfSatisfying(
              dev.typedrpc.it.evolution.v1.StockEvent.Unknown.class,
              u -> assertThat(u.fieldNumber()).isEqualTo(3));
      assertThat(events.get(2))
          .isEqualTo(new dev.typedrpc.it.evolution.v1.StockEvent.SoldOut("hammer"));
      // the old client can ask which version the server runs
      assertThat(channel.serverServices().get(10, TimeUnit.SECONDS))
          .extracting(ServiceVersion::name, ServiceVersion::version)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("typedrpc.it.Inventory", 2));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // calling the method version 2 deprecated, on purpose
  void newClientOldServer() throws Exception {
    V1Server impl = new V1Server();
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(InventoryRpc.bind(impl))
                .build()
                .start();
        RpcChannel channel = RpcChannel.connect(server.address())) {
      dev.typedrpc.it.evolution.v2.Inventory v2 =
          channel.stub(dev.typedrpc.it.evolution.v2.Inventory.class);

      // a field the old server never sends: absent, so empty; a deprecated method still works
      assertThat(v2.get("hammer"))
          .isEqualTo(
              new dev.typedrpc.it.evolution.v2.Item(
                  "hammer",
                  "Hammer",
                  dev.typedrpc.it.evolution.v2.Category.TOOLS,
                  Optional.empty()));
      // the server learned which version the client has
      assertThat(impl.clientVersions.get(0).version()).isEqualTo(2);
      assertThat(
              impl.clientVersions.get(0).sameSchemaAs(ServiceVersion.of(InventoryRpc.DESCRIPTOR)))
          .isFalse();
      // a parameter the old server does not know: skipped there
      assertThat(v2.search("x", 1)).hasSize(2);
      // a method the old server does not have: fails at once, naming both versions, without being
      // sent
      assertThatThrownBy(v2::count)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.status().description())
                    .contains("typedrpc.it.Inventory/Count")
                    .contains("added in version 2")
                    .contains("server runs version 1")
                    .contains("this client has version 2");
              });
      List<dev.typedrpc.it.evolution.v2.StockEvent> events =
          Publishers.collect(v2.watch("hammer")).get(10, TimeUnit.SECONDS);
      assertThat(events)
          .containsExactly(new dev.typedrpc.it.evolution.v2.StockEvent.Restocked("hammer", 1));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // get() is deprecated in version 2, on purpose
  void newClientOldServerOverHttp2ExchangeVersionsInMetadata() throws Exception {
    V1Server impl = new V1Server();
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(InventoryRpc.bind(impl))
                .build()
                .start();
        RpcChannel channel =
            RpcChannel.connect(
                java.net.URI.create("h2c://127.0.0.1:" + server.address().getPort()))) {
      dev.typedrpc.it.evolution.v2.Inventory v2 =
          channel.stub(dev.typedrpc.it.evolution.v2.Inventory.class);
      // HTTP/2 exchanges nothing at connect: the first call carries the versions both ways in
      // metadata
      assertThat(v2.get("hammer").color()).isEmpty();
      assertThat(impl.clientVersions.get(0).version()).isEqualTo(2);
      // now the client knows the server runs version 1: a version 2 method fails without being sent
      assertThatThrownBy(v2::count)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.status().description())
                    .contains("added in version 2")
                    .contains("server runs version 1")
                    .contains("this client has version 2");
              });
      assertThat(v2.search("x", 1)).hasSize(2);
    }
  }
}
