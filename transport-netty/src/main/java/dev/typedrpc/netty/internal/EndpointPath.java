package dev.typedrpc.netty.internal;

/**
 * What every client transport says when the server answers a target's path with an HTTP error
 * instead of its typedrpc endpoint: the WebSocket upgrade, the SSE request and the HTTP/2 endpoint
 * check ({@code GET <path>}) all fail their connection with the same words, so a wrong path reads
 * the same whichever transport found it.
 */
public final class EndpointPath {
  private EndpointPath() {}

  /**
   * The failure for a path the server refused.
   *
   * @param authority {@code host:port}
   * @param path the target's path, as sent
   * @param httpStatus the server's answer, e.g. {@code 404 Not Found}
   */
  public static NamedFailure refused(String authority, String path, String httpStatus) {
    String why =
        httpStatus.startsWith("404")
            ? "no typedrpc endpoint at " + path + " on " + authority
            : "the server at " + authority + " refused the typedrpc endpoint " + path;
    return new NamedFailure(
        why
            + " (it answered HTTP "
            + httpStatus
            + "); the path must be the one the server listens on, e.g. /rpc");
  }
}
