package dev.typedrpc.inmemory;

import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.util.Set;

/** The {@code mem:} transport. URIs name a server: {@code mem:chat}. */
public final class InMemoryTransportProvider implements TransportProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    return new InMemoryClientTransport(name(target), settings);
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    return new InMemoryServerTransport(name(address), settings);
  }

  private static String name(URI uri) {
    String name = uri.getSchemeSpecificPart();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("in-memory URI needs a name, e.g. mem:chat; got " + uri);
    }
    return name;
  }
}
