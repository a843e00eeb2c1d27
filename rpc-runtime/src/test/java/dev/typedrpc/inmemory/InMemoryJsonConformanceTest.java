package dev.typedrpc.inmemory;

import dev.typedrpc.testing.AbstractJsonConformanceTest;
import java.net.URI;
import java.util.UUID;

/** The shared conformance suite in memory with proto3 JSON messages. */
class InMemoryJsonConformanceTest extends AbstractJsonConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("mem:json-conformance-" + UUID.randomUUID());
  }

  @Override
  protected URI clientUri(URI serverAddress) {
    return URI.create(serverAddress + "?message-encoding=json");
  }

  /**
   * The path goes into the name, before the parameter: {@code mem:name/path?message-encoding=json}.
   */
  @Override
  protected URI withPath(URI clientUri, String path) {
    String target = clientUri.toString();
    int query = target.indexOf('?');
    return URI.create(target.substring(0, query) + path + target.substring(query));
  }
}
