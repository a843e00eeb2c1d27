package dev.typedrpc.bench.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser benchmark runs end to end, briefly (one round, about a second per cell), so it never
 * rots: every client in Chromium completes calls and streamed messages of every workload against
 * the real server. Measures nothing ({@code benchmarks/run browser} does). Skipped, saying so,
 * without Chromium at {@code /usr/bin/chromium}.
 */
@Timeout(240)
class BrowserSmokeTest {
  @Test
  void everyClientRunsEveryWorkloadInChromium() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(BrowserRunner.CHROMIUM),
        "Chromium is not installed at "
            + BrowserRunner.CHROMIUM
            + ": the browser benchmark"
            + " cannot run (apt-get install chromium)");
    BrowserRunner.Options options =
        BrowserRunner.Options.parse(List.of("--rounds=1", "--seconds=1", "--warmup=0.3"));
    BrowserRunner.Results results = BrowserRunner.measure(options);

    assertThat(results.rates()).containsOnlyKeys(BrowserRunner.WORKLOADS.keySet());
    for (Map.Entry<String, Map<String, List<Double>>> workload : results.rates().entrySet()) {
      assertThat(workload.getValue())
          .as(workload.getKey())
          .containsOnlyKeys(BrowserRunner.SYSTEMS.keySet());
      workload
          .getValue()
          .forEach(
              (system, rates) ->
                  assertThat(rates)
                      .as("%s over %s", workload.getKey(), system)
                      .singleElement()
                      .satisfies(rate -> assertThat(rate).isPositive()));
    }
    String report = BrowserRunner.report(results);
    assertThat(report).contains("| unary, 16 in flight (calls/s) |", "Connect-web, HTTP/2 + TLS");
  }
}
