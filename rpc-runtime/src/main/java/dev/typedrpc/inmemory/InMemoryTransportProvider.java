package dev.typedrpc.inmemory;

import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.MessageEncoding;
import java.net.URI;
import java.util.Set;

/** The {@code mem:} transport. URIs name a server: {@code mem:chat}. */
public final class InMemoryTransportProvider implements TransportProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  /**
   * {@inheritDoc} The target may ask for proto3 JSON messages: {@code
   * mem:chat?message-encoding=json} ({@link MessageEncoding}).
   */
  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    String ssp = target.getSchemeSpecificPart();
    int query = ssp == null ? -1 : ssp.indexOf('?');
    boolean json = false;
    if (query >= 0) {
      for (String param : ssp.substring(query + 1).split("&", -1)) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        if (!key.equals(MessageEncoding.PARAMETER)) {
          throw new IllegalArgumentException(
              "unknown parameter '"
                  + key
                  + "' in "
                  + target
                  + " (an in-memory target takes "
                  + MessageEncoding.PARAMETER
                  + ")");
        }
        json = MessageEncoding.wantsJson(eq < 0 ? "" : param.substring(eq + 1));
      }
    }
    return new InMemoryClientTransport(
        name(URI.create("mem:" + (query < 0 ? ssp : ssp.substring(0, query)))), settings, json);
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
