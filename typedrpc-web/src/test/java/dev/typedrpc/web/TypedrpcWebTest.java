package dev.typedrpc.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runs the Node tests of {@code @typedrpc/web} (test/*.test.mjs, with the TypeScript that {@code
 * buf generate} made from the processor's {@code .proto}) against a real typedrpc server on a free
 * loopback port. Each Node test case is one JUnit result; a failure shows Node's output.
 */
class TypedrpcWebTest {
  /**
   * The Node test files, in the order they run (the restart files last: they replace the server).
   */
  private static final List<String> FILES =
      List.of(
          System.getProperty(
                  "typedrpc.web.files",
                  "bundle.test.mjs,ws.test.mjs,sse.test.mjs,sse-post-loss.test.mjs,fallback.test.mjs,"
                      + "restart-graceful.test.mjs,restart-abrupt.test.mjs")
              .split(","));

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static volatile RpcServer server;
  private static int port;

  @BeforeAll
  static void startServer() throws IOException, InterruptedException {
    // the tests need node's global WebSocket (--experimental-websocket) and its JUnit reporter
    Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
    String v = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    version.waitFor();
    int major = Integer.parseInt(v.replaceFirst("^v(\\d+)\\..*$", "$1"));
    assumeTrue(major >= 20, "Node.js 20 or later is needed, found " + v);
    server = newServer(0).start();
    port = server.address().getPort();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private static RpcServer newServer(int port) {
    return RpcServer.builder()
        .listen("ws://127.0.0.1:" + port + "/rpc")
        .addService(EchoServiceRpc.bind(new EchoServiceImpl(TypedrpcWebTest::restart)))
        .drainTimeout(Duration.ofSeconds(5))
        // the server pings a connection after 200 ms without reads and closes it if nothing
        // arrives within 2 s: the transport must answer PINGs for idle calls to survive
        .transportSettings(
            TransportSettings.DEFAULT.withKeepAlive(
                KeepAliveSettings.DEFAULT
                    .withKeepAliveTime(Duration.ofMillis(200))
                    .withKeepAliveTimeout(Duration.ofSeconds(2))))
        .build();
  }

  /**
   * Replaces the server with a new one on the same port, on another thread: {@code graceful} drains
   * the old one (GOAWAY; the call asking for it still answers), {@code abrupt} closes its
   * connections at once.
   */
  private static CompletableFuture<Void> restart(String mode) {
    return CompletableFuture.runAsync(
        () -> {
          RpcServer old = server;
          if (mode.equals("abrupt")) {
            old.shutdownNow();
          } else {
            old.shutdown();
          }
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (true) {
            try {
              server = newServer(port).start();
              return;
            } catch (IOException e) {
              // the old listener is still closing: the port frees up shortly
              if (System.nanoTime() - until > 0) {
                throw new IllegalStateException("port " + port + " did not free up", e);
              }
              try {
                Thread.sleep(20);
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
              }
            }
          }
        });
  }

  @TestFactory
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  Stream<DynamicNode> nodeTests() throws Exception {
    List<DynamicNode> files = new ArrayList<>();
    for (String file : FILES) {
      files.add(DynamicContainer.dynamicContainer(file, run(file).stream()));
    }
    return files.stream();
  }

  /** Runs one Node test file; its cases as dynamic tests. */
  private static List<DynamicTest> run(String file) throws Exception {
    Path report = Files.createTempFile("typedrpc-web-", ".xml");
    Path output = Files.createTempFile("typedrpc-web-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  "node",
                  "--experimental-websocket",
                  "--no-warnings",
                  "--test",
                  "--test-reporter=junit",
                  "--test-reporter-destination=" + report,
                  "--test-reporter=spec",
                  "--test-reporter-destination=stdout",
                  "test/" + file)
              .directory(MODULE.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().put("TYPEDRPC_URL", baseUrl().toString());
      Process node = builder.start();
      node.getOutputStream().close();
      if (!node.waitFor(3, TimeUnit.MINUTES)) {
        node.destroyForcibly();
        fail("node did not finish " + file + " within 3 minutes:\n" + Files.readString(output));
      }
      String log = Files.readString(output, StandardCharsets.UTF_8);
      List<DynamicTest> cases = cases(report, log);
      int exit = node.exitValue();
      if (cases.isEmpty() || exit != 0) {
        // a file that did not load, or a failure outside any test case, is a failure of its own
        cases.add(
            DynamicTest.dynamicTest(
                file + " (node exit status)",
                () -> assertThat(exit).as("node exit status; output:\n%s", log).isZero()));
        if (cases.size() == 1) {
          cases.add(
              DynamicTest.dynamicTest(
                  file + " (test cases)", () -> fail("node ran no test case:\n" + log)));
        }
      }
      return cases;
    } finally {
      Files.deleteIfExists(report);
      Files.deleteIfExists(output);
    }
  }

  /** One dynamic test per {@code <testcase>} of Node's JUnit report. */
  private static List<DynamicTest> cases(Path report, String log) throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    if (Files.size(report) == 0) {
      return tests;
    }
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    NodeList cases = doc.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      String name = c.getAttribute("name");
      NodeList failures = c.getElementsByTagName("failure");
      NodeList skipped = c.getElementsByTagName("skipped");
      String failure = failures.getLength() == 0 ? null : failures.item(0).getTextContent().strip();
      boolean skip = skipped.getLength() > 0;
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                if (skip) {
                  org.junit.jupiter.api.Assumptions.abort("skipped in Node");
                }
                if (failure != null) {
                  fail(name + " failed in Node:\n" + failure + "\n\n--- node output ---\n" + log);
                }
              }));
    }
    return tests;
  }

  /** The server's URL for the Node tests. */
  static URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }
}
