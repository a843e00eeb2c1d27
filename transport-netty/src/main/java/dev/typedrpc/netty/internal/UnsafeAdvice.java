package dev.typedrpc.netty.internal;

import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per JVM when Netty runs without {@code sun.misc.Unsafe} on Java 24 or later: there it
 * uses it only if the JVM starts with {@code --sun-misc-unsafe-memory-access=allow}, and without it
 * every call costs two to three times the CPU (BENCHMARKS.md, "The table on JDK 25"). Thread-safe.
 */
public final class UnsafeAdvice {
  private static final Logger log = LoggerFactory.getLogger(UnsafeAdvice.class);
  private static final AtomicBoolean checked = new AtomicBoolean();

  private UnsafeAdvice() {}

  /** Logs the advice at WARN the first time it is called in a JVM that needs it. */
  static void checkOnce() {
    if (checked.compareAndSet(false, true)) {
      String advice = advice(Runtime.version().feature(), PlatformDependent.hasUnsafe());
      if (advice != null) {
        log.warn(advice);
      }
    }
  }

  /** The advice for Java {@code feature} with or without Unsafe; null when there is none. */
  static String advice(int feature, boolean hasUnsafe) {
    if (hasUnsafe || feature < 24) {
      return null; // before Java 24, Netty goes without Unsafe only when told to or unable to
    }
    return "Netty runs without sun.misc.Unsafe on Java "
        + feature
        + ": network I/O costs two to three times the CPU. Start the JVM with"
        + " --sun-misc-unsafe-memory-access=allow (docs/PRODUCTION.md, \"JVM flags\")";
  }
}
