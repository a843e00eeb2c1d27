package dev.typedrpc.internal;

import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;

/**
 * The service-version check a client makes before it sends a call, in one place for every
 * transport: the frame protocol (versions announced in SETTINGS) and transports that learn them
 * from response metadata. Not API.
 */
public final class VersionGate {
  private VersionGate() {}

  /**
   * Why a server that runs {@code server} cannot serve {@code method}: it was added in a later
   * version. Null if it can, or if the server's version is not known.
   *
   * @param server the server's version of the method's service, or null if unknown
   * @param mine this client's version of it, or null; only for the message
   */
  public static Status tooNew(
      MethodDescriptor<?, ?> method, ServiceVersion server, ServiceVersion mine) {
    if (server == null || method.since() <= server.version()) {
      return null;
    }
    return Status.UNIMPLEMENTED.withDescription(
        method.fullName()
            + " was added in version "
            + method.since()
            + " of "
            + method.serviceName()
            + ", but the server runs version "
            + server.version()
            + (mine == null ? "" : " (this client has version " + mine.version() + ")"));
  }
}
