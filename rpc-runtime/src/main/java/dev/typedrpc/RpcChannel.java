package dev.typedrpc;

import dev.typedrpc.internal.ChannelImpl;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client's connection to one server, shared by any number of concurrent calls, which it
 * multiplexes over one transport connection. Thread-safe; create one per server and reuse it. Close
 * it when done. A target may also list several servers ({@code ws://host1:7070,host2:7071/rpc}),
 * whose calls the channel spreads and moves as {@link ChannelOptions#loadBalancing()} says (see
 * {@link LoadBalancing}).
 *
 * <pre>{@code
 * try (RpcChannel channel = RpcChannel.connect(URI.create("ws://127.0.0.1:7070/rpc"))) {
 *   ChatService chat = channel.stub(ChatService.class);
 *   chat.post(new Post("lobby", "ana", "hello"));
 * }
 * }</pre>
 */
public interface RpcChannel extends AutoCloseable {

  /**
   * Connects to {@code target}. A {@code typedrpc://host:port/path} target negotiates the
   * transport: it tries {@link ChannelOptions#transportOrder()} (WebSocket, then HTTP/2, then SSE)
   * until one connects, and remembers the one that worked for reconnects. Any other scheme ({@code
   * ws}, {@code h2c}, {@code mem}, ...) pins that transport. Transports are found with {@link
   * java.util.ServiceLoader}. Connecting is lazy: the first call (or {@link #connectNow()}) opens
   * the connection, and a lost connection is reopened by the next call. A failed attempt is retried
   * after a growing back-off ({@link ChannelOptions#connectionBackoff()}); meanwhile calls fail at
   * once with {@code UNAVAILABLE}, except those made {@linkplain CallOptions#withWaitForReady()
   * wait for ready}.
   */
  static RpcChannel connect(URI target) {
    return connect(target, ChannelOptions.DEFAULT);
  }

  /** As {@link #connect(URI)}, with options. */
  static RpcChannel connect(URI target, ChannelOptions options) {
    return ChannelImpl.create(target, options);
  }

  /** A stub for a generated service interface, with default call options. */
  default <T> T stub(Class<T> serviceInterface) {
    return stub(serviceInterface, CallOptions.DEFAULT);
  }

  /**
   * A stub for {@code serviceInterface}, whose calls use {@code options}. Fails with a message
   * naming the interface if no generated code for it is on the class path.
   */
  <T> T stub(Class<T> serviceInterface, CallOptions options);

  /** Creates a call; the lower level under the stubs. */
  <Req, Resp> ClientCall<Req, Resp> newCall(
      MethodDescriptor<Req, Resp> method, CallOptions options);

  /** The URI this channel connects to. */
  URI target();

  /** The state of the channel's connection. */
  ConnectionState state();

  /**
   * Calls {@code listener} with every change of {@link #state()}: once per change, in the order of
   * the changes, one call at a time, on the channel's executor ({@link ChannelOptions#executor()};
   * the shared pool if that is a direct executor), never holding a lock of the channel. The
   * listener may block (it then delays only later state notifications) and may call the channel.
   * Returns a handle that removes the listener.
   */
  AutoCloseable onStateChange(java.util.function.Consumer<ConnectionState> listener);

  /**
   * The scheme of the transport of the current connection (e.g. {@code ws}), or null while not
   * connected.
   */
  String transportScheme();

  /**
   * Starts connecting if idle; the future completes when the channel is ready, or fails with the
   * reason. In {@link ConnectionState#TRANSIENT_FAILURE} (waiting out the back-off after a failed
   * attempt) it fails at once with the last attempt's reason; see {@link #resetConnectBackoff()}.
   */
  CompletableFuture<Void> connectNow();

  /**
   * If the channel waits out the back-off after a failed attempt to connect ({@link
   * ConnectionState#TRANSIENT_FAILURE}), ends the wait and tries again now, e.g. when the
   * application learns that the network is back. The back-off sequence itself goes on (a success
   * resets it). Otherwise does nothing.
   */
  void resetConnectBackoff();

  /**
   * The services the server runs, with their versions and schema fingerprints, as the server
   * announced them when the current connection opened; connects if there is no connection. Empty if
   * the server's transport does not announce services.
   */
  CompletableFuture<List<ServiceVersion>> serverServices();

  /** Stops new calls; calls in progress continue. */
  void shutdown();

  /** Stops new calls and cancels the ones in progress with {@code UNAVAILABLE}. */
  void shutdownNow();

  /**
   * Waits until all calls finished and the connection is closed; returns whether that happened in
   * time.
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** {@link #shutdown()}, then waits up to a few seconds, then {@link #shutdownNow()}. */
  @Override
  void close();
}
