package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test after which Netty reports a leaked buffer. Leaks are only found when the garbage
 * collector has cleared a buffer that was never released and a later allocation polls for it, so
 * this collects garbage and allocates a few times (bounded) after each test.
 */
public final class LeakCheck implements BeforeAllCallback, AfterEachCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    ByteBufAllocator.DEFAULT.buffer(1).release(); // makes Netty create its detectors
    assertThat(RecordingLeakDetector.installed)
        .as("io.netty.customResourceLeakDetector must name RecordingLeakDetector (see pom)")
        .isTrue();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    assertThat(collectLeaks()).as("ByteBuf leaks").isEmpty();
  }

  /** Collects garbage, lets Netty report what it finds, and returns (and forgets) the reports. */
  static List<String> collectLeaks() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      // each tracked allocation polls the detector's queue of collected, unreleased buffers
      ByteBufAllocator.DEFAULT.buffer(1).release();
      UnpooledByteBufAllocator.DEFAULT.heapBuffer(1).release();
      ByteBufAllocator.DEFAULT.directBuffer(1).release();
    }
    List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
    RecordingLeakDetector.LEAKS.clear();
    return leaks;
  }
}
