package dev.typedrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads (Java 21 or later) for a library built for Java 17: the factory is looked up
 * once, when a server is configured, never on the call path.
 */
public final class VirtualThreads {
  private VirtualThreads() {}

  /** The Java feature release this JVM runs. */
  static int javaVersion() {
    return Runtime.version().feature();
  }

  /**
   * An executor that starts one virtual thread, named {@code prefix} and a counter, per task.
   *
   * @throws UnsupportedOperationException on Java 17 to 20, saying what to do instead
   */
  public static Executor executor(String prefix) {
    ThreadFactory factory = factory(prefix);
    return task -> factory.newThread(task).start();
  }

  private static ThreadFactory factory(String prefix) {
    if (javaVersion() < 21) {
      throw new UnsupportedOperationException(
          "virtual threads need Java 21 or later and this JVM runs Java "
              + javaVersion()
              + ": run on a newer JVM, or pass a thread pool to executor(...)");
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> type = Class.forName("java.lang.Thread$Builder");
      builder = type.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
      return (ThreadFactory) type.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this Java " + javaVersion() + " runtime does not offer virtual threads", e);
    }
  }
}
