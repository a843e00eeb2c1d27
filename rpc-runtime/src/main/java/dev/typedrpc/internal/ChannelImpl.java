package dev.typedrpc.internal;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import java.net.URI;

/** PLACEHOLDER. */
public final class ChannelImpl {
  private ChannelImpl() {}

  public static RpcChannel create(URI target, ChannelOptions options) {
    throw new UnsupportedOperationException();
  }
}
