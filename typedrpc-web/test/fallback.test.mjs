// Transport choice: WebSocket first, SSE when WebSocket does not get through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "@connectrpc/connect";
import { createTypedrpcTransport } from "../dist/index.js";
import { EchoService, baseUrl } from "./helpers.mjs";
import { startProxy } from "./proxy.mjs";

test("WebSocket is the first choice", async () => {
  const transport = createTypedrpcTransport({ baseUrl });
  try {
    const client = createClient(EchoService, transport);
    assert.equal((await client.transport({})).text, "ws");
    assert.equal(transport.currentTransport, "websocket");
  } finally {
    transport.close();
  }
});

test("a refused WebSocket upgrade falls back to SSE, and every call kind works there", async () => {
  const proxy = await startProxy(baseUrl, "refuse");
  const transport = createTypedrpcTransport({ baseUrl: proxy.url });
  try {
    const client = createClient(EchoService, transport);
    assert.equal((await client.transport({})).text, "sse");
    assert.equal(transport.currentTransport, "sse");
    let n = 0;
    for await (const r of client.count({ text: "fallback", times: 10 })) {
      assert.equal(r.index, n++);
    }
    async function* says() {
      yield { times: 2 };
      yield { times: 3 };
    }
    assert.equal((await client.sum(says())).index, 5);
    const echoes = [];
    for await (const r of client.chat(says())) echoes.push(r.index);
    assert.deepEqual(echoes, [2, 3]);
  } finally {
    transport.close();
    proxy.close();
  }
});

test("a WebSocket that never completes its upgrade is given up after the attempt timeout", async () => {
  const proxy = await startProxy(baseUrl, "hang");
  const transport = createTypedrpcTransport({ baseUrl: proxy.url, attemptTimeoutMs: 500 });
  try {
    const client = createClient(EchoService, transport);
    assert.equal((await client.transport({})).text, "sse");
    // the choice is remembered: the next connection tries SSE first
    transport.close();
  } finally {
    proxy.close();
  }
});

test("when no transport connects, calls fail with UNAVAILABLE naming each attempt, then back off", async () => {
  const proxy = await startProxy(baseUrl, "refuse");
  proxy.close(); // nothing listens there any more
  const transport = createTypedrpcTransport({ baseUrl: proxy.url, backoff: { initialMs: 60_000 } });
  try {
    const client = createClient(EchoService, transport);
    const first = await client.echo({}).then(() => undefined, (e) => e);
    assert.equal(first.code, 14); // Unavailable
    assert.match(first.rawMessage, /websocket: .*refused or failed.*; sse: .*ECONNREFUSED/);
    const second = await client.echo({}).then(() => undefined, (e) => e);
    assert.equal(second.code, 14);
    assert.match(second.rawMessage, /next attempt in \d+ ms/); // failed fast during the back-off
  } finally {
    transport.close();
  }
});
