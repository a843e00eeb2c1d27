package dev.typedrpc;

import dev.typedrpc.spi.TransportSettings;
import java.util.concurrent.Executor;

/**
 * Settings of an {@link RpcChannel}. Immutable.
 *
 * @param transport limits and timeouts of the transport
 * @param executor where response callbacks, futures and subscribers run; null means a shared pool of daemon
 *     threads. A direct executor ({@code Runnable::run}) is fastest but then callbacks must not block.
 */
public record ChannelOptions(TransportSettings transport, Executor executor) {
  public static final ChannelOptions DEFAULT = new ChannelOptions(TransportSettings.DEFAULT, null);

  public ChannelOptions withTransport(TransportSettings transport) {
    return new ChannelOptions(transport, executor);
  }

  public ChannelOptions withExecutor(Executor executor) {
    return new ChannelOptions(transport, executor);
  }
}
