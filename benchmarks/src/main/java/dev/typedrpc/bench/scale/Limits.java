package dev.typedrpc.bench.scale;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks before a run that this machine can hold its sockets, and says what to change if not. */
final class Limits {
  /** Files a JVM holds besides the run's sockets (jars, the JDK's own, pipes), generously. */
  private static final long SPARE_FILES = 1000;

  private Limits() {}

  /**
   * Fails with what to do if this JVM may not open the run's sockets ({@code sides}: 2 when client
   * and server share this JVM), or if loopback has fewer ephemeral ports than client sockets.
   */
  static void check(Scenario run, int sides) {
    long sockets = (long) run.connections() * run.system().socketsPerConnection();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      long needed = sockets * sides + SPARE_FILES;
      if (unix.getMaxFileDescriptorCount() < needed) {
        throw new IllegalStateException(
            String.format(
                "%s needs about %d open files, but this process may open %d: raise the limit"
                    + " (benchmarks/run raises the soft limit to the hard one; the hard limit is"
                    + " 'ulimit -Hn', set in /etc/security/limits.conf or by systemd's"
                    + " LimitNOFILE)",
                run, needed, unix.getMaxFileDescriptorCount()));
      }
    }
    long ports = ephemeralPorts();
    if (ports > 0 && sockets > ports) {
      throw new IllegalStateException(
          String.format(
              "%s opens %d client sockets to one server port, but only %d ephemeral ports exist:"
                  + " widen net.ipv4.ip_local_port_range",
              run, sockets, ports));
    }
  }

  /** The size of the kernel's ephemeral port range, or -1 where it cannot be read. */
  private static long ephemeralPorts() {
    try {
      java.util.Scanner range =
          new java.util.Scanner(
              Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")));
      long low = range.nextLong();
      return range.nextLong() - low + 1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
