// Drives the browser benchmark: Debian's Chromium (never a downloaded browser) through playwright-core, on the
// page a typedrpc server serves at BENCH_URL. Each system runs each workload once per round, the systems in a
// different order each round; one line per measurement on stdout:
//   @@ result <round> <system> <workload> <count> <ms>
// Environment: BENCH_URL (the page), SYSTEMS (comma-separated), WORKLOADS, ROUNDS, SECONDS, WARMUP (seconds
// per system and workload before the first round), CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name, fallback) => process.env[name] ?? fallback;
const url = env("BENCH_URL");
if (!url) throw new Error("BENCH_URL is not set");
const systems = env("SYSTEMS", "typedrpc-ws,typedrpc-wss,connect-h1,connect-h2").split(",");
const workloads = env("WORKLOADS", "unary1,unary16,stream").split(",");
const rounds = Number(env("ROUNDS", "3"));
const seconds = Number(env("SECONDS", "5"));
const warmup = Number(env("WARMUP", "2"));

const profile = mkdtempSync(join(tmpdir(), "bench-chromium-"));
const guard = setTimeout(() => fail(new Error("the benchmark took too long")), (systems.length * workloads.length * (rounds * seconds + warmup) + 120) * 1000);
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: env("CHROMIUM", "/usr/bin/chromium"),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // the server's certificate is self-signed, made for this run
      "--ignore-certificate-errors",
      // one tab in a headless browser: no timer or renderer throttling to distort it
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
    ],
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  page.on("console", (m) => console.log(`page: ${m.text()}`));
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  console.log(`@@ browser ${await page.evaluate(() => navigator.userAgent)}`);
  const measure = (system, workload, s) =>
    page.evaluate(([a, b, c]) => globalThis.bench(a, b, c), [system, workload, s]);
  if (warmup > 0) {
    for (const system of systems) for (const workload of workloads) await measure(system, workload, warmup);
  }
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % systems.length;
    const order = [...systems.slice(shift), ...systems.slice(0, shift)];
    for (const workload of workloads) {
      for (const system of order) {
        const { count, ms } = await measure(system, workload, seconds);
        console.log(`@@ result ${round} ${system} ${workload} ${count} ${ms.toFixed(1)}`);
      }
    }
  }
  clearTimeout(guard);
  await close();
  process.exit(0);
} catch (e) {
  fail(e);
}

async function close() {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

async function fail(e) {
  console.error(e?.stack ?? e);
  await close();
  process.exit(1);
}
