package dev.typedrpc.junit;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Serves service implementations for the tests of a class and connects a channel to them: tests ask
 * for a stub of any {@code @RpcService} interface, the {@link RpcChannel} or the {@link RpcServer}
 * as a parameter (or call {@link #stub}, {@link #channel()}, {@link #server()}).
 *
 * <p>Registered on a {@code static} field, one server serves all tests of the class; on an instance
 * field, each test gets a fresh server. The server runs in memory unless the class is {@link
 * OnEveryTransport} (then on each transport in turn) or {@link Builder#transport} names another.
 *
 * <pre>{@code
 * class InventoryTest {
 *   @RegisterExtension
 *   static final RpcExtension rpc = RpcExtension.serving(InventoryRpc.bind(new InventoryImpl()));
 *
 *   @Test
 *   void stockStartsEmpty(Inventory inventory) {
 *     assertThat(inventory.stock(new ItemId("apple"))).isEqualTo(0);
 *   }
 * }
 * }</pre>
 *
 * <p>Not for classes whose runs execute concurrently (JUnit's parallel class execution with one
 * static extension): each run of a class starts and stops its own server.
 */
public final class RpcExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private static final String RPC_SERVICE = "dev.typedrpc.annotations.RpcService";

  private final List<ServerServiceDefinition> services;
  private final List<Consumer<RpcServer.Builder>> serverConfig;
  private final ChannelOptions channelOptions;
  private final CallOptions callOptions;
  private final Transport transport;

  private RpcServer server;
  private RpcChannel channel;
  private Transport running;
  private boolean perClass; // registered on a static field
  private ExtensionContext runContext; // what the running server serves: a class run or a test

  private RpcExtension(Builder b) {
    this.services = List.copyOf(b.services);
    this.serverConfig = List.copyOf(b.serverConfig);
    this.channelOptions = b.channelOptions;
    this.callOptions = b.callOptions;
    this.transport = b.transport;
  }

  /** Serves {@code services}, in memory unless the class runs {@link OnEveryTransport}. */
  public static RpcExtension serving(ServerServiceDefinition... services) {
    Builder b = builder();
    for (ServerServiceDefinition s : services) {
      b.addService(s);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The channel connected to the server; only while a test runs. */
  public RpcChannel channel() {
    return requireRunning(channel);
  }

  /** The server; only while a test runs. */
  public RpcServer server() {
    return requireRunning(server);
  }

  /** A stub for {@code serviceInterface}, with the extension's call options. */
  public <T> T stub(Class<T> serviceInterface) {
    return channel().stub(serviceInterface, callOptions);
  }

  /** The scheme clients use in this run: {@code mem}, {@code ws}, {@code h2c} or {@code sse}. */
  public String transport() {
    return requireRunning(running).scheme();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true;
    if (!isOnEveryTransport(context) || Transport.chosen(context) != null) {
      start(context); // else the class template itself: each of its runs starts its own server
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    // a static field serves the tests of a run of the class; an instance field, one test
    ExtensionContext owner = perClass ? context.getParent().orElseThrow() : context;
    if (runContext != owner) {
      stop(); // a server of an earlier run of the class (OnEveryTransport)
      start(owner);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      stop();
    }
  }

  private static boolean isOnEveryTransport(ExtensionContext context) {
    return context
        .getTestClass()
        .map(c -> AnnotationSupport.isAnnotated(c, OnEveryTransport.class))
        .orElse(false);
  }

  private void start(ExtensionContext context) throws Exception {
    Transport chosen = Transport.chosen(context);
    running = chosen != null ? chosen : transport;
    runContext = context;
    RpcServer.Builder b = RpcServer.builder().listen(running.listenUri());
    services.forEach(b::addService);
    serverConfig.forEach(c -> c.accept(b));
    server = b.build().start();
    channel = RpcChannel.connect(running.clientUri(server.address()), channelOptions);
  }

  private void stop() throws InterruptedException {
    RpcChannel c = channel;
    RpcServer s = server;
    channel = null;
    server = null;
    running = null;
    runContext = null;
    try {
      if (c != null) {
        c.shutdownNow();
        c.awaitTermination(Duration.ofSeconds(10));
      }
    } finally {
      if (s != null) {
        s.shutdownNow();
        s.awaitTermination(Duration.ofSeconds(10));
      }
    }
  }

  private static <T> T requireRunning(T value) {
    if (value == null) {
      throw new IllegalStateException("RpcExtension: no server runs outside a test");
    }
    return value;
  }

  // ---------------------------------------------------------------- parameters

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RpcChannel.class || type == RpcServer.class || isServiceInterface(type);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (server == null) {
      throw new ParameterResolutionException(
          "RpcExtension has no server yet: register it on a field, not a constructor parameter"
              + " of a class that uses it for "
              + type.getName());
    }
    if (type == RpcChannel.class) {
      return channel;
    }
    if (type == RpcServer.class) {
      return server;
    }
    return stub(type);
  }

  /** An {@code @RpcService} interface (found by name: the annotations need not be on the path). */
  private static boolean isServiceInterface(Class<?> type) {
    if (!type.isInterface()) {
      return false;
    }
    for (Annotation a : type.getAnnotations()) {
      if (a.annotationType().getName().equals(RPC_SERVICE)) {
        return true;
      }
    }
    return false;
  }

  /** Builds an {@link RpcExtension}. Not thread-safe. */
  public static final class Builder {
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<Consumer<RpcServer.Builder>> serverConfig = new ArrayList<>();
    private ChannelOptions channelOptions = ChannelOptions.DEFAULT;
    private CallOptions callOptions = CallOptions.DEFAULT;
    private Transport transport = Transport.MEM;

    private Builder() {}

    /** Serves a bound implementation, e.g. {@code InventoryRpc.bind(new InventoryImpl())}. */
    public Builder addService(ServerServiceDefinition service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Serves {@code impl} as {@code serviceInterface} (its generated code found on the path). */
    public <T> Builder addService(Class<T> serviceInterface, T impl) {
      Objects.requireNonNull(serviceInterface, "serviceInterface");
      Objects.requireNonNull(impl, "impl");
      serverConfig.add(b -> b.addService(serviceInterface, impl));
      return this;
    }

    /**
     * Configures the server further before it starts (interceptors, executor, transport settings,
     * drain timeout); the extension sets its listen address and services.
     */
    public Builder configureServer(Consumer<RpcServer.Builder> config) {
      serverConfig.add(Objects.requireNonNull(config, "config"));
      return this;
    }

    /** Options of the channel tests get. */
    public Builder channelOptions(ChannelOptions options) {
      this.channelOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Options of the stubs tests get (a timeout, metadata, ...). */
    public Builder callOptions(CallOptions options) {
      this.callOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Serves over one transport ({@code mem}, {@code ws}, {@code h2c} or {@code sse}) when the
     * class does not run {@link OnEveryTransport}; {@code mem} by default.
     */
    public Builder transport(String scheme) {
      Transport t = Transport.forScheme(scheme);
      if (t == null) {
        throw new IllegalArgumentException(
            "unknown transport '" + scheme + "'; use " + Transport.schemes());
      }
      this.transport = t;
      return this;
    }

    public RpcExtension build() {
      return new RpcExtension(this);
    }
  }
}
