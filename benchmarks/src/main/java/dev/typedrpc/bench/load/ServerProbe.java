package dev.typedrpc.bench.load;

/** Reads the server's allocation counter and peak RSS, wherever the server runs. */
interface ServerProbe {
  /**
   * For a server in this JVM: its allocation is already in {@link ProcessStats#allocatedBytes()}.
   */
  ServerProbe SAME_JVM =
      new ServerProbe() {
        @Override
        public long allocatedBytes() {
          return 0;
        }

        @Override
        public long peakRssKib() {
          return -1;
        }
      };

  long allocatedBytes() throws Exception;

  long peakRssKib() throws Exception;
}
