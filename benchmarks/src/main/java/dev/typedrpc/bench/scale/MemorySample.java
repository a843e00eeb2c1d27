package dev.typedrpc.bench.scale;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory of one JVM at one moment, in bytes, taken after full garbage collections.
 *
 * @param heap used heap after a full GC: what is live
 * @param rss resident set size ({@code VmRSS} of /proc/self/status), or -1 where that does not
 *     exist
 * @param direct off-heap buffers: Netty's own direct-memory counter plus the JDK's direct buffers
 */
record MemorySample(long heap, long rss, long direct) {
  /** Collects (three times: what a finalizer or cleaner frees goes in the next one) and samples. */
  static MemorySample takeAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = Math.max(0, PlatformDependent.usedDirectMemory());
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct += pool.getMemoryUsed();
      }
    }
    return new MemorySample(heap, rssBytes(), direct);
  }

  /** {@code heap rss direct}, one line of the server's control protocol. */
  String toLine() {
    return heap + " " + rss + " " + direct;
  }

  static MemorySample parse(String line) {
    String[] parts = line.split(" ", -1);
    return new MemorySample(
        Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
