package dev.typedrpc.bench.driver;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap allocation, CPU time and peak resident memory of this JVM. */
final class ProcessStats {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessStats() {}

  /**
   * Bytes allocated on the heap so far by the live threads of this JVM (threads that ended are not
   * counted, which is why the benchmarks keep their threads for the whole run).
   */
  static long allocatedBytes() {
    long[] ids = THREADS.getAllThreadIds();
    long sum = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
      if (bytes > 0) {
        sum += bytes;
      }
    }
    return sum;
  }

  /**
   * CPU time this JVM has used so far, in nanoseconds, every thread included (the JIT and GC too):
   * unlike throughput, CPU per operation hardly depends on what else runs on the machine.
   */
  static long cpuNanos() {
    return OS.getProcessCpuTime();
  }

  /**
   * Peak resident set size in KiB ({@code VmHWM} of /proc/self/status), or -1 where that does not
   * exist.
   */
  static long peakRssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
