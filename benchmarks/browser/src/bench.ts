// The browser benchmark's page: the same echo service called through three clients from Chromium, measured by
// the page's own clock. `window.bench(system, workload, seconds)` runs one workload on one client and returns
// how many calls (or streamed messages) completed; bench.mjs drives it round after round.

import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { createTypedrpcTransport } from "@typedrpc/web";
import { EchoService } from "./gen/typedrpc.bench.echo.EchoService_pb.js";

/** The payload of each unary call, and the size of each streamed message, as in the end-to-end benchmark. */
const PAYLOAD = new Uint8Array(32);
const CHUNK_SIZE = 32;
/** Calls in flight at once in the "unary16" workload. */
const IN_FLIGHT = 16;
/** Messages a streaming call asks for: more than any run reads; the call is cancelled when time is up. */
const STREAM_COUNT = 2_000_000_000;

const params = new URLSearchParams(location.search);
// the page is served over cleartext HTTP/1.1; HTTP/2 needs TLS in a browser (the server's port answers both)
const http = location.origin;
const https = params.get("tls") ?? http.replace(/^http:/, "https:");

function system(name: string): Transport {
  switch (name) {
    case "typedrpc-ws":
      return createTypedrpcTransport({ baseUrl: http, transports: ["websocket"] });
    case "typedrpc-wss":
      return createTypedrpcTransport({ baseUrl: https, transports: ["websocket"] });
    case "connect-h1":
      return createConnectTransport({ baseUrl: http, useBinaryFormat: true });
    case "connect-h2":
      return createConnectTransport({ baseUrl: https, useBinaryFormat: true });
    default:
      throw new Error(`unknown system ${name}`);
  }
}

// one client per system for the whole page, so its connection(s) stay open across rounds
const clients = new Map<string, Client<typeof EchoService>>();

function client(name: string): Client<typeof EchoService> {
  let c = clients.get(name);
  if (!c) {
    c = createClient(EchoService, system(name));
    clients.set(name, c);
  }
  return c;
}

async function unary(c: Client<typeof EchoService>, end: number): Promise<number> {
  let n = 0;
  while (performance.now() < end) {
    const answer = await c.echo({ payload: PAYLOAD });
    if (answer.value.length !== PAYLOAD.length) throw new Error(`echoed ${answer.value.length} bytes`);
    n++;
  }
  return n;
}

async function inFlight(c: Client<typeof EchoService>, end: number): Promise<number> {
  const workers = Array.from({ length: IN_FLIGHT }, () => unary(c, end));
  return (await Promise.all(workers)).reduce((a, b) => a + b, 0);
}

async function streaming(c: Client<typeof EchoService>, end: number): Promise<number> {
  const abort = new AbortController();
  let n = 0;
  try {
    for await (const chunk of c.stream({ count: STREAM_COUNT, size: CHUNK_SIZE }, { signal: abort.signal })) {
      if (chunk.body.length !== CHUNK_SIZE) throw new Error(`a chunk of ${chunk.body.length} bytes`);
      // reading the clock per message costs little next to decoding it
      if (++n % 64 === 0 && performance.now() >= end) break;
    }
  } finally {
    abort.abort();
  }
  return n;
}

const WORKLOADS: Record<string, (c: Client<typeof EchoService>, end: number) => Promise<number>> = {
  unary1: unary,
  unary16: inFlight,
  stream: streaming,
};

/** Runs `workload` on `systemName`'s client for `seconds`: what completed and the time it took. */
async function bench(systemName: string, workload: string, seconds: number): Promise<{ count: number; ms: number }> {
  const run = WORKLOADS[workload];
  if (!run) throw new Error(`unknown workload ${workload}`);
  const c = client(systemName);
  const start = performance.now();
  const count = await run(c, start + seconds * 1000);
  return { count, ms: performance.now() - start };
}

(globalThis as unknown as { bench: typeof bench }).bench = bench;
document.body.dataset.ready = "true";
