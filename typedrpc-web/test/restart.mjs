// The server goes away and comes back on the same port: later calls reconnect to the new one. Each mode
// runs in its own Node process (restart-graceful.test.mjs, restart-abrupt.test.mjs): a draining server
// still answers requests on connections it had accepted, so an SSE session opened on a connection that
// fetch kept alive from before a graceful restart reaches the old server and ends when it terminates;
// a test after it in the same process would see that.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, createClient } from "@connectrpc/connect";
import { createTypedrpcTransport } from "../dist/index.js";
import { EchoService, baseUrl, rejection } from "./helpers.mjs";

/**
 * Calls until a call succeeds (at most 200 tries): while the new server is still binding the port, an
 * attempt fails with UNAVAILABLE and the transport backs off briefly. Returns the failures seen.
 */
async function callUntilServed(client) {
  const failures = [];
  for (let i = 0; i < 200; i++) {
    try {
      assert.equal((await client.echo({ text: "after" })).text, "after");
      return failures;
    } catch (e) {
      assert.equal(e.code, Code.Unavailable, e.message);
      failures.push(e.rawMessage);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  assert.fail(`no call was served after the restart: ${failures.slice(-3).join(" | ")}`);
}

/** The restart cases of one mode ("graceful" or "abrupt"), on each transport. */
export function restartSuite(mode) {
  for (const name of ["websocket", "sse"]) {
    const options = { baseUrl, transports: [name], backoff: { initialMs: 50, maxMs: 200 } };
    if (mode === "graceful") {
      test(`${name}: a graceful restart (GOAWAY): the call in flight completes, later calls reach the new server`, async () => {
        const transport = createTypedrpcTransport(options);
        try {
          const client = createClient(EchoService, transport);
          assert.equal((await client.echo({ text: "before" })).text, "before");
          assert.equal((await client.restart({ text: "graceful" })).text, "restarted");
          await callUntilServed(client);
          assert.equal(transport.currentTransport, name);
        } finally {
          transport.close();
        }
      });
    } else {
      test(`${name}: an abrupt restart: the call in flight fails with UNAVAILABLE, later calls reconnect`, async () => {
        const transport = createTypedrpcTransport(options);
        try {
          const client = createClient(EchoService, transport);
          assert.equal((await client.echo({ text: "before" })).text, "before");
          const e = await rejection(client.restart({ text: "abrupt" }));
          assert.equal(e.code, Code.Unavailable);
          await callUntilServed(client);
        } finally {
          transport.close();
        }
      });
    }
  }
}
