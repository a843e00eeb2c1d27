package dev.typedrpc.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A redis-server of the test's own, on a free port of 127.0.0.1, without persistence, in a
 * temporary directory: never a system Redis. As a JUnit extension it starts before a class's tests
 * and stops after them:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServer redis = new RedisServer();
 * }</pre>
 *
 * {@link #stop()} and {@link #start()} restart it on the same port, empty, for tests of a Redis
 * that goes away and comes back. Uses {@code redis-server} from the {@code PATH} (or {@code
 * REDIS_SERVER}); {@code .ci/run} installs it when missing.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private int port;
  private Path dir;
  private Process process;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /** The address Lettuce connects to. */
  public synchronized String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public synchronized int port() {
    return port;
  }

  public synchronized boolean isRunning() {
    return process != null;
  }

  /** Starts the server (again, on the port it had, if it ran before) and waits until it answers. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null) {
      throw new IllegalStateException("redis-server already runs on port " + port);
    }
    if (port == 0) {
      port = freePort();
      dir = Files.createTempDirectory("redis-test");
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                executable(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile());
    process = builder.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!answersPing()) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with " + process.exitValue() + ": " + log().trim());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("redis-server did not answer within " + START_TIMEOUT);
      }
      Thread.sleep(20);
    }
  }

  /** Stops the server at once, as a crash would (its data is lost: it keeps none). */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("redis-server did not stop");
    }
    process = null;
  }

  @Override
  public synchronized void close() throws Exception {
    stop();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static String executable() {
    String configured = System.getenv("REDIS_SERVER");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : List.of(path.split(File.pathSeparator))) {
      File f = new File(d, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    File debian = new File("/usr/bin/redis-server");
    if (debian.canExecute()) {
      return debian.getPath();
    }
    throw new IllegalStateException(
        "redis-server is not installed: install it (Debian: apt-get install redis-server)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
