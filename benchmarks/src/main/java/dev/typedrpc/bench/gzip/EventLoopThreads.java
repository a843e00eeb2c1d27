package dev.typedrpc.bench.gzip;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads made as Netty makes its event loop threads ({@code -Djmh.executor=CUSTOM
 * -Djmh.executor.class=...}), so code that keeps state per event loop thread is measured as it runs
 * in a server.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
  public EventLoopThreads(int maxThreads, String prefix) {
    super(
        maxThreads,
        maxThreads,
        1,
        TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(),
        new DefaultThreadFactory(prefix, true));
  }
}
