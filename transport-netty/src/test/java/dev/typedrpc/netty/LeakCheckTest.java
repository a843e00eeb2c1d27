package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that {@link LeakCheck} really sees a leak, so a green run means no leak rather than no
 * detector.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeakCheckTest {

  @Test
  void reportsAnUnreleasedBuffer() throws InterruptedException {
    RecordingLeakDetector.quiet = true;
    List<String> leaks = List.of();
    try {
      leakOne();
      for (int i = 0; i < 10 && leaks.isEmpty(); i++) {
        leaks = LeakCheck.collectLeaks();
      }
    } finally {
      RecordingLeakDetector.quiet = false;
    }
    assertThat(leaks).isNotEmpty().allMatch(l -> l.startsWith("LEAK: "));
  }

  @SuppressWarnings("unused")
  private static void leakOne() {
    ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
    leaked.writeInt(42);
    // dropped on purpose, never released
  }
}
