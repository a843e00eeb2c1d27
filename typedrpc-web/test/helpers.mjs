// Shared by the Node tests: the server under test (TYPEDRPC_URL, set by TypedrpcWebTest), the generated
// service descriptors, and the cases every transport must pass.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError, createClient, encodeBinaryHeader } from "@connectrpc/connect";
import { createTypedrpcTransport } from "../dist/index.js";
import { EchoService } from "../target/generated-ts/webtest.EchoService_pb.js";
import { AbsentService } from "../target/generated-ts/webtest.absent.AbsentService_pb.js";

export const baseUrl = process.env.TYPEDRPC_URL ?? "http://127.0.0.1:7070";
export { AbsentService, EchoService };

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ConnectError, `expected a ConnectError, got ${e}`);
    return e;
  }
  assert.fail("expected the call to fail");
}

/** An async iterable the test pushes to, for interactive streams. */
export function pushable() {
  const items = [];
  const waiters = [];
  let ended = false;
  return {
    push(item) {
      const w = waiters.shift();
      if (w) w({ value: item, done: false });
      else items.push(item);
    },
    end() {
      ended = true;
      for (const w of waiters.splice(0)) w({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return {
        next() {
          if (items.length > 0) return Promise.resolve({ value: items.shift(), done: false });
          if (ended) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => waiters.push(resolve));
        },
        return() {
          ended = true;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}

/** Polls `read` until `done(value)` holds, for at most 20 s; returns the last value. */
export async function eventually(read, done) {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Every call kind and feature on one transport, forced (`transports: [name]`); `serverName` is what
 * the server reports as the call's transport.
 */
export function transportSuite(name, serverName) {
  let transport;
  let client;
  before(() => {
    transport = createTypedrpcTransport({ baseUrl, transports: [name] });
    client = createClient(EchoService, transport);
  });
  after(() => transport.close());

  test(`${name}: unary`, async () => {
    const reply = await client.echo({ text: "hello", times: 3 });
    assert.equal(reply.text, "hello");
    assert.equal(reply.index, 3);
    assert.equal((await client.transport({})).text, serverName);
    assert.equal(transport.currentTransport, name);
  });

  test(`${name}: server streaming`, async () => {
    const seen = [];
    for await (const r of client.count({ text: `count-${name}`, times: 200 })) {
      seen.push(r.index);
    }
    assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i));
  });

  test(`${name}: server streaming, empty`, async () => {
    const seen = [];
    for await (const r of client.count({ text: `empty-${name}`, times: 0 })) {
      seen.push(r);
    }
    assert.equal(seen.length, 0);
  });

  test(`${name}: client streaming within the server's credit`, async () => {
    async function* says() {
      for (let i = 1; i <= 500; i++) yield { text: "n", times: i };
    }
    const reply = await client.sum(says());
    assert.equal(reply.index, (500 * 501) / 2);
    assert.equal(reply.data[0], 500 & 0xff);
  });

  test(`${name}: bidirectional streaming, one message at a time`, async () => {
    const requests = pushable();
    const responses = client.chat(requests)[Symbol.asyncIterator]();
    for (let i = 0; i < 20; i++) {
      requests.push({ text: `m${i}`, times: i });
      const r = await responses.next();
      assert.equal(r.done, false);
      assert.equal(r.value.text, `echo:m${i}`); // each answer arrives before the next request is sent
    }
    requests.end();
    assert.equal((await responses.next()).done, true);
  });

  test(`${name}: large messages are sent and received in parts`, async () => {
    const data = new Uint8Array(300 * 1024).map((_, i) => (i * 31) & 0xff);
    const reply = await client.echo({ text: "big", data });
    assert.equal(reply.data.length, data.length);
    assert.deepEqual(reply.data, data);
    const streamed = [];
    for await (const r of client.count({ text: `big-${name}`, times: 3, data })) {
      streamed.push(r.data.length);
    }
    assert.deepEqual(streamed, [data.length, data.length, data.length]);
  });

  test(`${name}: request headers become metadata; response headers and trailers come back`, async () => {
    let header;
    let trailer;
    const reply = await client.metadata(
      { text: "m" },
      {
        headers: { "x-token": "t0k3n", "x-data-bin": encodeBinaryHeader(new Uint8Array([0, 1, 254, 255])) },
        onHeader: (h) => (header = h),
        onTrailer: (t) => (trailer = t),
      },
    );
    assert.equal(reply.text, "t0k3n");
    assert.deepEqual([...reply.data], [0, 1, 254, 255]);
    assert.equal(header.get("x-echo"), "t0k3n");
    assert.equal(trailer.get("x-trailer-bin"), encodeBinaryHeader(new Uint8Array([0, 1, 254, 255])));
  });

  test(`${name}: errors carry the server's status code and message`, async () => {
    for (const [status, code] of [
      ["NOT_FOUND", Code.NotFound],
      ["PERMISSION_DENIED", Code.PermissionDenied],
      ["INVALID_ARGUMENT", Code.InvalidArgument],
      ["RESOURCE_EXHAUSTED", Code.ResourceExhausted],
      ["UNAUTHENTICATED", Code.Unauthenticated],
      ["ABORTED", Code.Aborted],
    ]) {
      const e = await rejection(client.fail({ text: status }));
      assert.equal(e.code, code, `${status}: ${e.message}`);
      assert.match(e.rawMessage, new RegExp(`failed as asked: ${status}`));
    }
  });

  test(`${name}: a deadline ends the call with DEADLINE_EXCEEDED, on both sides`, async () => {
    const key = `deadline-${name}`;
    const e = await rejection(client.hang({ text: key }, { timeoutMs: 300 }));
    assert.equal(e.code, Code.DeadlineExceeded);
    assert.equal((await client.cancelled({ text: key })).text, "DEADLINE_EXCEEDED");
    const left = (await client.deadline({}, { timeoutMs: 60_000 })).index;
    assert.ok(left > 0 && left <= 60_000, `the server saw ${left} ms left`);
    assert.equal((await client.deadline({})).index, -1);
  });

  test(`${name}: aborting the signal cancels the call on the server`, async () => {
    const key = `abort-${name}`;
    const abort = new AbortController();
    const stream = client.count({ text: key, times: 1_000_000 }, { signal: abort.signal });
    const it = stream[Symbol.asyncIterator]();
    assert.equal((await it.next()).value.index, 0); // the server runs the call
    abort.abort();
    const e = await rejection(it.next());
    assert.equal(e.code, Code.Canceled);
    assert.equal((await client.cancelled({ text: key })).text, "CANCELLED");
  });

  test(`${name}: the server's PINGs are answered, so an idle call outlives the keep-alive timeout`, async () => {
    const key = `idle-${name}`;
    const abort = new AbortController();
    const call = client.hang({ text: key }, { signal: abort.signal });
    // the server pings after 200 ms without reads and gives up 2 s after an unanswered PING
    await new Promise((r) => setTimeout(r, 3000));
    abort.abort();
    const e = await rejection(call);
    assert.equal(e.code, Code.Canceled, e.message);
    assert.equal((await client.cancelled({ text: key })).text, "CANCELLED");
  });

  test(`${name}: a reader that stops pulling stalls the server on credit`, async () => {
    const key = `backpressure-${name}`;
    const abort = new AbortController();
    const it = client.count({ text: key, times: 100_000 }, { signal: abort.signal })[Symbol.asyncIterator]();
    assert.equal((await it.next()).value.index, 0);
    // the call granted 32 messages before the first; that one showed they are small, so the window grew
    // to streamWindow (1024 by default): the server fills it, then waits
    const produced = await eventually(
      async () => (await client.produced({ text: key })).index,
      (n) => n >= 1024,
    );
    assert.ok(produced <= 1025, `produced ${produced}`);
    await new Promise((r) => setTimeout(r, 300));
    const later = (await client.produced({ text: key })).index;
    assert.ok(later <= 1025, `the server produced ${later} messages for a reader that took 1`);
    // reading on lets the server go on
    for (let i = 1; i < 2000; i++) {
      assert.equal((await it.next()).value.index, i);
    }
    abort.abort();
  });

  test(`${name}: large messages shrink the window to streamWindowBytes`, async () => {
    const key = `window-bytes-${name}`;
    const abort = new AbortController();
    const data = new Uint8Array(16 * 1024);
    const it = client.count({ text: key, times: 100_000, data }, { signal: abort.signal })[Symbol.asyncIterator]();
    for (let i = 0; i < 40; i++) {
      assert.equal((await it.next()).value.index, i);
    }
    // 64 KiB by default hold 3 of these messages: the server runs at most 3 ahead of the reader (32, the
    // credit granted before the first message, would let it run 32 ahead)
    await new Promise((r) => setTimeout(r, 300));
    const produced = (await client.produced({ text: key })).index;
    assert.ok(produced >= 40 && produced <= 43, `produced ${produced} for a reader that took 40`);
    abort.abort();
  });

  test(`${name}: a service the server does not run fails at once with UNIMPLEMENTED`, async () => {
    const absent = createClient(AbsentService, transport);
    const e = await rejection(absent.ping({ text: "x" }));
    assert.equal(e.code, Code.Unimplemented);
    assert.match(e.rawMessage, /does not run webtest\.absent\.AbsentService/);
  });

  test(`${name}: a method newer than the server's version fails at once with UNIMPLEMENTED`, async () => {
    const newer = createTypedrpcTransport({
      baseUrl,
      transports: [name],
      services: { "webtest.EchoService": { version: 2, since: { Echo: 2 } } },
    });
    try {
      const c = createClient(EchoService, newer);
      const e = await rejection(c.echo({ text: "x" }));
      assert.equal(e.code, Code.Unimplemented);
      assert.match(e.rawMessage, /added in version 2 .* server runs version 1/);
      assert.equal((await c.transport({})).text, serverName); // methods the server has still work
    } finally {
      newer.close();
    }
  });

  test(`${name}: a required fingerprint the server does not have fails with FAILED_PRECONDITION`, async () => {
    const strict = createTypedrpcTransport({
      baseUrl,
      transports: [name],
      services: { "webtest.EchoService": { version: 1, fingerprint: "not-this-one", requireSameFingerprint: true } },
    });
    try {
      const e = await rejection(createClient(EchoService, strict).echo({ text: "x" }));
      assert.equal(e.code, Code.FailedPrecondition, e.message);
    } finally {
      strict.close();
    }
  });

  test(`${name}: calls beyond the server's max_concurrent_streams (1000) wait for a slot`, async () => {
    const n = 1200;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) => client.echo({ text: `c${i}`, times: i })),
    );
    assert.deepEqual(
      replies.map((r) => r.index),
      Array.from({ length: n }, (_, i) => i),
    );
  });
}
