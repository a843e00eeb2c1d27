package dev.typedrpc.sample.chat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.RateLimits;
import dev.typedrpc.micrometer.RpcMetrics;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.health.ServingStatus;
import dev.typedrpc.services.reflection.ReflectionService;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The chat server as {@code chat server} runs it: the chat behind bearer-token authentication,
 * dev-mode sign-in, rate limits, the web page at {@code /}, the gRPC health service (the chat
 * {@code SERVING} once started, {@code NOT_SERVING} from the moment the server drains) and server
 * reflection; metrics when given a registry.
 */
final class ChatServerSetup {
  /** Sign-ins per client address: 10 a minute. */
  static final int SIGN_INS_PER_MINUTE = 10;

  /** Posts per user by default: bursts of 20, 10 a second sustained. */
  static final int POSTS_PER_SECOND = 10;

  /**
   * The class-path directory of the web page (built from {@code web/} into the jar), served at /.
   */
  static final String WEB_PAGE = "chat-web";

  private ChatServerSetup() {}

  /**
   * Starts a chat server listening on {@code listen}, whose users are {@code accounts}; records its
   * calls in {@code metrics} if not null.
   */
  static RpcServer start(URI listen, Accounts accounts, RpcMetrics metrics) throws IOException {
    return start(
        listen, accounts, metrics, new MemoryChatStore(Room.HISTORY), ChatNodeOptions.inMemory());
  }

  /**
   * Starts a chat server keeping its rooms in {@code store} (closed by the caller once the server
   * terminated), with the post rate and keep-alive of {@code node}.
   */
  static RpcServer start(
      URI listen, Accounts accounts, RpcMetrics metrics, ChatStore store, ChatNodeOptions node)
      throws IOException {
    ChatServer chat = new ChatServer(Clock.systemUTC(), store);
    HealthService health = new HealthService();
    ServerServiceDefinition chatService =
        ChatServiceRpc.bind(chat).intercept(Authentication.authenticatedOnly());
    ServerServiceDefinition signIn = SignInServiceRpc.bind(new SignInServer(accounts, chat));
    ReflectionService reflection = ReflectionService.of(chatService, signIn, health.definition());
    RpcServer.Builder server = RpcServer.builder().listen(listen);
    if (node.keepAlive() != null) {
      server.transportSettings(
          TransportSettings.DEFAULT.withKeepAlive(
              KeepAliveSettings.DEFAULT
                  .withKeepAliveTime(node.keepAlive())
                  .withKeepAliveTimeout(node.keepAlive())));
    }
    if (metrics != null) { // first, so that it also sees the calls the others refuse
      server
          .intercept(metrics.serverInterceptor())
          .transportEvents(metrics.serverTransportEvents());
    }
    server
        // health, reflection and sign-in need no token; the chat's own calls do
        .intercept(
            Authentication.optional(Authenticator.bearer(accounts::byToken)),
            RateLimits.builder()
                .perMethod(SignInServiceRpc.SIGN_IN, SIGN_INS_PER_MINUTE, Duration.ofMinutes(1))
                .perMethod(ChatServiceRpc.POST, 2L * node.postsPerSecond(), Duration.ofSeconds(2))
                .perMethod(
                    ChatServiceRpc.SET_ACTIVITY, 2L * node.postsPerSecond(), Duration.ofSeconds(2))
                .build())
        .addService(chatService)
        .addService(signIn)
        .addService(health.definition())
        .addService(reflection.v1())
        .addService(reflection.v1alpha())
        .staticResources(WEB_PAGE)
        .onShutdown(health::drain);
    RpcServer started = server.build().start();
    health.setStatus(ChatServiceRpc.SERVICE_NAME, ServingStatus.SERVING);
    return started;
  }
}
