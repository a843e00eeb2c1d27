package dev.typedrpc.bench.load;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A redis-server of a benchmark's own, on a free port of 127.0.0.1, without persistence, in a
 * temporary directory: never a system Redis. The executable is {@code REDIS_SERVER} if set, else
 * {@code redis-server} from the {@code PATH}.
 *
 * @param process the running redis-server
 * @param port its port on 127.0.0.1
 * @param dir its working directory (its log is {@code redis.log} there)
 */
public record LocalRedis(Process process, int port, Path dir) implements AutoCloseable {
  /** The redis-server executable, or null if there is none. */
  public static String executable() {
    String configured = System.getenv("REDIS_SERVER");
    if (configured != null && new File(configured).canExecute()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d :
        Pattern.compile(Pattern.quote(File.pathSeparator)).splitAsStream(path).toList()) {
      if (new File(d, "redis-server").canExecute()) {
        return new File(d, "redis-server").getPath();
      }
    }
    return null;
  }

  /** Starts one and waits until it accepts connections; null if there is no redis-server. */
  public static LocalRedis start() throws IOException, InterruptedException {
    String exe = executable();
    if (exe == null) {
      return null;
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("bench-redis");
    Process p =
        new ProcessBuilder(
                exe,
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
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    for (int i = 0; i < 500; i++) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(1000);
        return new LocalRedis(p, port, dir);
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    p.destroyForcibly();
    throw new IOException("redis-server did not start; see " + dir.resolve("redis.log"));
  }

  /** Its URI for Lettuce. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops it (and waits up to 10 s for it to exit). */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
