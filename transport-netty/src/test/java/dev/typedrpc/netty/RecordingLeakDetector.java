package dev.typedrpc.netty;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, installed for every resource type through the system property {@code
 * io.netty.customResourceLeakDetector} (see this module's pom), that also records each leak report
 * so that {@link LeakCheck} can fail the test. Reports are still logged as {@code LEAK:} lines.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  static volatile boolean installed;

  /**
   * Set while a test leaks on purpose, so the expected report does not look like a real one in the
   * log.
   */
  static volatile boolean quiet;

  @SuppressWarnings(
      "StaticAssignmentInConstructor") // on purpose: proves Netty instantiated this class
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
    installed = true;
  }

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    this(resourceType, samplingInterval);
  }

  @Override
  protected boolean needReport() {
    return true;
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add("LEAK: " + resourceType + records);
    if (!quiet) {
      super.reportTracedLeak(resourceType, records);
    }
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add("LEAK: " + resourceType);
    if (!quiet) {
      super.reportUntracedLeak(resourceType);
    }
  }
}
