package dev.typedrpc.bench.flood;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code benchmarks/run flood [--seconds=30] [--heap=512m] [--no-flood] [--chat-jar=PATH]}: the
 * sample chat server in its own JVM ({@code -Xmx512m}), one raw peer flooding PINGs and one
 * flooding CALL_STARTs for an unknown method, neither reading, both reconnecting when dropped;
 * meanwhile a real chat client ({@code chat client}, a third JVM) posts a line every second and
 * waits for it to come back, and a new WebSocket upgrade is tried every 2 s. Reports the server's
 * peak heap (from its GC log), whether it served the client and new connections throughout, and
 * whether SIGTERM ends it. A measurement, not a test: it prints what it saw.
 */
public final class FloodRunner {
  private static final Pattern GC_LINE =
      Pattern.compile("GC\\((\\d+)\\) (Pause \\w+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private FloodRunner() {}

  public static String run(List<String> args) throws Exception {
    int seconds = 30;
    String heap = "512m";
    boolean flood = true;
    Path chatJar = Path.of("sample-chat/target/sample-chat.jar");
    for (String arg : args) {
      if (arg.startsWith("--seconds=")) {
        seconds = Integer.parseInt(arg.substring("--seconds=".length()));
      } else if (arg.startsWith("--heap=")) {
        heap = arg.substring("--heap=".length());
      } else if (arg.equals("--no-flood")) {
        flood = false;
      } else if (arg.startsWith("--chat-jar=")) {
        chatJar = Path.of(arg.substring("--chat-jar=".length()));
      } else {
        throw new IllegalArgumentException("unknown flood option " + arg);
      }
    }
    if (!Files.isRegularFile(chatJar)) {
      throw new IllegalStateException(chatJar + " not found: build sample-chat first");
    }
    int port = freePort();
    Path gcLog = Files.createTempFile("flood-gc", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server =
        new ProcessBuilder(
                java,
                "-Xmx" + heap,
                "-Xlog:gc:file=" + gcLog,
                "-jar",
                chatJar.toString(),
                "server",
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    Output serverOut = new Output(server, "server");
    serverOut.await("listening", 60);

    Process client =
        new ProcessBuilder(
                java,
                "-Xmx128m",
                "-jar",
                chatJar.toString(),
                "client",
                "--name",
                "probe",
                "--server",
                "ws://127.0.0.1:" + port + "/rpc")
            .redirectErrorStream(true)
            .start();
    Output clientOut = new Output(client, "client");
    clientOut.await("Type a message", 60);
    Writer clientIn = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
    // the client says it is subscribed when its own subscriber is, which can be before the server
    // has registered the subscription: post until a line comes back, so the probes measure the
    // server and not that race
    boolean subscribed = false;
    for (int i = 0; i < 10 && !subscribed; i++) {
      clientIn.write("hello-" + i + "\n");
      clientIn.flush();
      subscribed = clientOut.await("probe: hello-" + i + "\n", 2);
    }
    if (!subscribed) {
      throw new IllegalStateException("the chat client never saw its own line before the flood");
    }

    RawFlooder pings = new RawFlooder(port, RawFlooder.Kind.PING);
    RawFlooder calls = new RawFlooder(port, RawFlooder.Kind.UNKNOWN_CALL);
    if (flood) {
      pings.start();
      calls.start();
    }

    int posted = 0;
    int echoed = 0;
    long worstEcho = 0;
    int upgrades = 0;
    int upgradesOk = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int tick = 0; System.nanoTime() < end; tick++) {
      String line = "probe-" + tick;
      long sent = System.nanoTime();
      clientIn.write(line + "\n");
      clientIn.flush();
      posted++;
      if (clientOut.await("probe: " + line, 5)) {
        echoed++;
        worstEcho = Math.max(worstEcho, System.nanoTime() - sent);
      }
      if (tick % 2 == 0) {
        upgrades++;
        if (upgradeWorks(port)) {
          upgradesOk++;
        }
      }
      long pause = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - sent);
      if (pause > 0) {
        TimeUnit.NANOSECONDS.sleep(pause);
      }
    }
    pings.halt();
    calls.halt();
    Thread.sleep(2000); // a line that came later than the 5 s waited for it
    int arrived = 0;
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < posted; i++) {
      if (clientOut.saw("probe: probe-" + i + "\n")) {
        arrived++;
      } else {
        missing.add("probe-" + i);
      }
    }
    clientIn.write("/quit\n");
    clientIn.flush();
    client.waitFor(10, TimeUnit.SECONDS);
    client.destroyForcibly();

    long termAt = System.nanoTime();
    server.destroy(); // SIGTERM
    boolean ended = server.waitFor(20, TimeUnit.SECONDS);
    long termMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
    if (!ended) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    GcSummary gc = GcSummary.read(gcLog);
    Files.deleteIfExists(gcLog);

    StringBuilder r =
        new StringBuilder(
            flood ? "## Flood of the sample chat server\n\n" : "## Control run: no flood\n\n");
    r.append(
        String.format(
            "Server `chat server` at -Xmx%s, flooded for %d s by a raw peer sending PINGs and one"
                + " sending CALL_STARTs for an unknown method, neither reading (receive buffer 4 KiB),"
                + " both reconnecting when dropped.%n%n",
            heap, seconds));
    r.append("| measure | value |\n|---|---|\n");
    row(
        r,
        "peak heap used (GC log, before a collection)",
        gc.peakMb + " MiB (-Xmx" + heap + ", " + gc.maxMb + " MiB committed at most)");
    row(
        r,
        "heap after a collection: largest, last",
        gc.peakAfterMb + " MiB, " + gc.lastAfterMb + " MiB");
    row(r, "collections (young / full)", gc.young + " / " + gc.full);
    flooder(r, "PING flood", pings);
    flooder(r, "CALL_START flood", calls);
    row(r, "chat client: lines echoed within 5 s / posted", echoed + " / " + posted);
    row(
        r,
        "chat client: lines echoed by the end",
        arrived + " / " + posted + (missing.isEmpty() ? "" : " (missing: " + missing + ")"));
    row(r, "chat client: slowest echo", TimeUnit.NANOSECONDS.toMillis(worstEcho) + " ms");
    row(r, "new WebSocket upgrades answered 101", upgradesOk + " / " + upgrades);
    row(
        r,
        "OutOfMemoryError in the server's output",
        serverOut.saw("OutOfMemoryError") ? "yes" : "no");
    row(
        r,
        "SIGTERM",
        ended
            ? "ended in " + termMillis + " ms (exit " + server.exitValue() + ")"
            : "did NOT end it in 20 s (SIGKILL)");
    return r.toString();
  }

  private static void flooder(StringBuilder r, String name, RawFlooder f) {
    row(
        r,
        name + ": bytes sent, connections, dropped by the server, longest lived",
        mib(f.bytesSent.get())
            + ", "
            + f.connections.get()
            + ", "
            + f.dropped.get()
            + ", "
            + f.longestMillis.get()
            + " ms");
  }

  private static void row(StringBuilder r, String name, String value) {
    r.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static boolean upgradeWorks(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(5000);
      return RawFlooder.upgrade(s, port);
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Peak and last heap figures of a unified GC log ({@code -Xlog:gc}). */
  private record GcSummary(
      long peakMb, long peakAfterMb, long lastAfterMb, long maxMb, int young, int full) {
    static GcSummary read(Path log) throws IOException {
      long peak = 0;
      long peakAfter = 0;
      long last = 0;
      long max = 0;
      int young = 0;
      int full = 0;
      for (String line : Files.readAllLines(log)) {
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          peak = Math.max(peak, Long.parseLong(m.group(3)));
          last = Long.parseLong(m.group(4));
          peakAfter = Math.max(peakAfter, last);
          max = Math.max(max, Long.parseLong(m.group(5)));
          if (m.group(2).equals("Pause Full")) {
            full++;
          } else {
            young++;
          }
        }
      }
      return new GcSummary(peak, peakAfter, last, max, young, full);
    }
  }

  /** A child's merged output, kept line by line for {@link #await}; echoed with a prefix. */
  private static final class Output {
    private final StringBuilder all = new StringBuilder();

    Output(Process process, String name) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.contains("probe: ")) {
                      System.err.println("[" + name + "] " + line);
                    }
                    synchronized (this) {
                      all.append(line).append('\n');
                      notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              name + "-output");
      t.setDaemon(true);
      t.start();
    }

    /** Waits up to {@code seconds} for output containing {@code text}; true if it came. */
    synchronized boolean await(String text, int seconds) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (all.indexOf(text) < 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }

    synchronized boolean saw(String text) {
      return all.indexOf(text) >= 0;
    }
  }
}
