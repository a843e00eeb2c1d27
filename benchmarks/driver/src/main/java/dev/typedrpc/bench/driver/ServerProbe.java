package dev.typedrpc.bench.driver;

/** Reads the server's allocation counter, CPU time and peak RSS, wherever the server runs. */
public interface ServerProbe {
  /** For a server in this JVM: its allocation and CPU time are already in {@link ProcessStats}. */
  ServerProbe SAME_JVM =
      new ServerProbe() {
        @Override
        public long allocatedBytes() {
          return 0;
        }

        @Override
        public long cpuNanos() {
          return 0;
        }

        @Override
        public long peakRssKib() {
          return -1;
        }
      };

  long allocatedBytes() throws Exception;

  /** CPU time the server JVM has used so far, in nanoseconds (0 in the same JVM). */
  long cpuNanos() throws Exception;

  long peakRssKib() throws Exception;
}
