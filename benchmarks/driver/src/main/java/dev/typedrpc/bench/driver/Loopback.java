package dev.typedrpc.bench.driver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Every server binds, and every client connects, here and nowhere else. */
public final class Loopback {
  public static final String HOST = "127.0.0.1";

  public static final InetAddress ADDRESS = address();

  private static InetAddress address() {
    try {
      return InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("a 4-byte address is always valid", e);
    }
  }

  private Loopback() {}
}
