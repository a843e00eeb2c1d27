// SSE + POST: a POST that fails after the server took its body (a server ending a session closes its POST
// connections as well as the event stream) does not fail the calls whose answers are still on the event stream:
// the event stream decides, for every call kind. A call that gets no answer still ends, UNAVAILABLE, within a
// bound, also while the event stream stays open; a call whose frames were never posted ends at once as never
// processed (a unary call is then retried on a new connection). The POST is lost by the transport's `fetch`
// option, which posts the body to the real server, waits for its answer, then rejects as a broken connection
// does; the event stream is held back until the link has seen the rejection, as when a client reads the POST
// connection's close before the last events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, createClient } from "@connectrpc/connect";
import { createTypedrpcTransport } from "../dist/index.js";
import { EchoService, baseUrl, pushable, rejection } from "./helpers.mjs";

const CALL_START = 0x02;
const MESSAGE = 0x04;
const HALF_CLOSE = 0x08;
const BATCH = 0x0e;
const END_STREAM = 0x01;

/** The frames of a POST body (4-byte lengths), BATCH frames opened: [{ type, flags, stream, payload }]. */
function framesOf(body) {
  const bytes = new Uint8Array(body);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view.getUint32(at);
    frames.push(...frameAndInner(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return frames;
}

function frameAndInner(frame) {
  const [stream, at] = varint(frame, 2);
  if (frame[0] !== BATCH) {
    return [{ type: frame[0], flags: frame[1], stream, payload: frame.subarray(at) }];
  }
  const inner = [];
  for (let i = at; i < frame.length; ) {
    const [length, next] = varint(frame, i);
    inner.push(...frameAndInner(frame.subarray(next, next + length)));
    i = next + length;
  }
  return inner;
}

function varint(bytes, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
  }
}

/** The client's last frame of a call: a MESSAGE with END_STREAM, or a HALF_CLOSE. */
const TIMEOUT = { timeout: 30_000 };

const lastFrame = (f) => (f.type === MESSAGE && (f.flags & END_STREAM) !== 0) || f.type === HALF_CLOSE;

/**
 * A fetch that loses the first POST carrying a frame `lose` picks: the server receives and answers it, then the
 * fetch rejects (once `failWhen` resolves, if given). `reachesServer: false` rejects without sending it. Until the
 * rejection has been seen, the event stream's bytes wait; with `events: "silent"`, the event streams open at the
 * loss pass nothing more and never end (as behind a proxy that holds them), so that only the client's bound can
 * end the calls on them.
 */
function lossyFetch({ lose = lastFrame, reachesServer = true, events = "as sent", failWhen } = {}) {
  let gate;
  let losing;
  const open = new Set();
  const state = { lost: 0, losing: new Promise((resolve) => (losing = resolve)) };
  state.fetch = async (url, init) => {
    if (init?.method === "POST" && state.lost === 0 && framesOf(init.body).some(lose)) {
      state.lost++;
      losing();
      let release;
      gate = new Promise((resolve) => (release = resolve));
      if (events === "silent") {
        for (const stream of open) stream.silent = true;
      }
      try {
        await failWhen;
        if (reachesServer) {
          try {
            const answer = await fetch(url, init);
            await answer.arrayBuffer();
            state.status = answer.status;
          } catch (e) {
            state.status = `the real POST failed: ${e} (${e.cause})`;
          }
        }
        throw new TypeError("fetch failed", { cause: new Error("other side closed") });
      } finally {
        setTimeout(release, 0); // after the link has handled the rejection (microtasks run first)
      }
    }
    const response = await fetch(url, init);
    if (init?.method === "POST" || response.body === null) {
      return response;
    }
    const stream = { silent: false };
    open.add(stream);
    const body = new ReadableStream({
      async start(controller) {
        const fail = (e) => {
          try {
            controller.error(e);
          } catch {
            // already closed
          }
        };
        init?.signal?.addEventListener("abort", () => fail(init.signal.reason), { once: true });
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done || stream.silent) break;
            await gate;
            if (stream.silent) break;
            controller.enqueue(value);
          }
          if (!stream.silent) controller.close();
        } catch (e) {
          fail(e);
        } finally {
          open.delete(stream);
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return state;
}

function clientWith(lossy) {
  const transport = createTypedrpcTransport({ baseUrl, transports: ["sse"], fetch: lossy.fetch });
  return { transport, client: createClient(EchoService, transport) };
}

test("unary: the answer on the event stream finishes the call whose POST was lost", TIMEOUT, async () => {
  const lossy = lossyFetch();
  const { transport, client } = clientWith(lossy);
  try {
    const reply = await client.echo({ text: "lost post", times: 7 });
    assert.equal(lossy.lost, 1, "the POST was lost");
    assert.equal(lossy.status, 204, "the server took the lost POST");
    assert.equal(reply.text, "lost post");
    assert.equal(reply.index, 7);
  } finally {
    transport.close();
  }
});

test("server streaming: every message and the end arrive after the POST with the request was lost", TIMEOUT, async () => {
  const lossy = lossyFetch();
  const { transport, client } = clientWith(lossy);
  try {
    const seen = [];
    for await (const r of client.count({ text: "post-loss-count", times: 5 })) {
      seen.push(r.index);
    }
    assert.equal(lossy.status, 204, "the server took the lost POST");
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  } finally {
    transport.close();
  }
});

test("client streaming: the answer arrives after the POST with the half-close was lost", TIMEOUT, async () => {
  const lossy = lossyFetch();
  const { transport, client } = clientWith(lossy);
  try {
    async function* says() {
      for (let i = 1; i <= 4; i++) yield { times: i };
    }
    const reply = await client.sum(says());
    assert.equal(lossy.status, 204, "the server took the lost POST");
    assert.equal(reply.index, 10);
  } finally {
    transport.close();
  }
});

test("bidirectional: the last answer and the end arrive after the POST with the half-close was lost", TIMEOUT, async () => {
  const lossy = lossyFetch();
  const { transport, client } = clientWith(lossy);
  try {
    const requests = pushable();
    const responses = client.chat(requests)[Symbol.asyncIterator]();
    requests.push({ text: "a" });
    assert.equal((await responses.next()).value.text, "echo:a");
    requests.push({ text: "b" });
    requests.end();
    assert.equal((await responses.next()).value.text, "echo:b");
    assert.equal((await responses.next()).done, true);
    assert.equal(lossy.status, 204, "the server took the lost POST");
  } finally {
    transport.close();
  }
});

test("a call with no answer ends UNAVAILABLE although the event stream stays open and silent", TIMEOUT, async () => {
  // the server never gets the call (the POST is lost before it is sent), and the event stream goes silent
  const lossy = lossyFetch({ reachesServer: false, events: "silent" });
  const { transport, client } = clientWith(lossy);
  try {
    const e = await rejection(client.echo({ text: "never sent" }));
    assert.equal(lossy.lost, 1, e.message);
    assert.equal(e.code, Code.Unavailable, e.message);
    assert.match(e.rawMessage, /POST failed/);
  } finally {
    transport.close();
  }
});

test("after a lost POST, new calls go to a new connection", TIMEOUT, async () => {
  const lossy = lossyFetch();
  const { transport, client } = clientWith(lossy);
  try {
    assert.equal((await client.echo({ text: "lost post" })).text, "lost post");
    assert.equal(lossy.status, 204, "the server took the lost POST");
    // the lost POST's connection sends nothing more: a call there would get no answer
    assert.equal((await client.echo({ text: "next" })).text, "next");
  } finally {
    transport.close();
  }
});

test("a call queued behind a lost POST was never sent: it ends at once as never processed, and unary is retried", TIMEOUT, async () => {
  let fail;
  const failWhen = new Promise((resolve) => (fail = resolve));
  const hangStart = (f) =>
    f.type === CALL_START && Buffer.from(f.payload).toString("latin1").includes("EchoService/Hang");
  const lossy = lossyFetch({ lose: hangStart, reachesServer: false, events: "silent", failWhen });
  const { transport, client } = clientWith(lossy);
  try {
    const hang = client.hang({ text: "post-loss-hang" });
    await lossy.losing; // the POST with the hanging call is on its way (and will fail)
    const queued = client.echo({ text: "queued" }); // its frames wait for that POST to finish
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    fail();
    assert.equal((await queued).text, "queued"); // never sent, so retried on a new connection
    const e = await rejection(hang); // may have reached the server: no answer within the bound
    assert.equal(e.code, Code.Unavailable, e.message);
    assert.match(e.rawMessage, /POST failed/);
  } finally {
    transport.close();
  }
});
