package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.auth.CallCredentials;
import dev.typedrpc.micrometer.RpcMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat server's metrics, scraped over HTTP as Prometheus does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
  @Test
  void aScrapeShowsTheCallsTheServerServed() throws Exception {
    try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 0)) {
      RpcServer server =
          ChatServerSetup.start(
              URI.create("ws://127.0.0.1:0/rpc"),
              Accounts.dev(),
              RpcMetrics.of(metrics.registry()));
      try (RpcChannel channel = RpcChannel.connect(server.address())) {
        String token = channel.stub(SignInService.class).signIn("ana");
        ChatService chat =
            channel.stub(
                ChatService.class,
                CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token)));
        chat.join("lobby", "ana");
        chat.post(new Post("lobby", "ana", "hello"));
      } finally {
        server.close();
      }
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + metrics.port() + "/metrics"))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(scrape.body())
          .containsPattern(
              "rpc_server_duration_seconds_count\\{[^}]*rpc_method=\"Post\"[^}]*"
                  + "rpc_typedrpc_transport=\"ws\"[^}]*} 1")
          .contains("rpc_server_request_size_bytes_count{")
          .contains("typedrpc_server_active_calls{")
          .contains("typedrpc_server_connections{");
    }
  }
}
