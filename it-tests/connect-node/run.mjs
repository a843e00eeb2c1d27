// Runs test cases with the official Connect clients for Node against a typedrpc server serving
// typedrpc.it.connect.ConnectPeer (dev.typedrpc.it.connect.ConnectPeerService).
//
//   node run.mjs '{"baseUrl":"http://127.0.0.1:8080","protocol":"grpc","httpVersion":"2","cases":["unary"]}'
//
// Config: baseUrl; protocol "grpc" | "connect" | "grpcweb"; httpVersion "1.1" | "2" (gRPC: always 2);
// binary (default true; false: JSON, Connect only); ca (a PEM file to trust, for https) and servername
// (the name the certificate is checked against); cases (names below).
// Runs the cases concurrently and prints one JSON line per case as it ends, {"case": name, "ok": true} or
// {"case": name, "ok": false, "error": text}, then exits 0 once every case has reported (failures included):
// the JUnit side reads the lines.
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { create } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, decodeBinaryHeader, encodeBinaryHeader } from "@connectrpc/connect";
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { ConnectPeer, ConnectRequestSchema } from "./gen/typedrpc.it.connect.ConnectPeer_pb.js";

const config = JSON.parse(process.argv[2]);
const binary = config.binary !== false;
const httpVersion = config.protocol === "grpc" ? "2" : config.httpVersion;

/** Records the HTTP method of every request its transport sends: the GET case checks its own. */
function nodeOptions(methods) {
  const tls = config.ca ? { ca: readFileSync(config.ca), servername: config.servername } : {};
  if (httpVersion === "2") {
    class RecordingSessionManager extends Http2SessionManager {
      request(method, path, headers, options) {
        methods.push(method);
        return super.request(method, path, headers, options);
      }
    }
    return { sessionManager: new RecordingSessionManager(config.baseUrl, {}, tls) };
  }
  const Agent = config.baseUrl.startsWith("https:") ? https.Agent : http.Agent;
  class RecordingAgent extends Agent {
    addRequest(req, options) {
      methods.push(req.method);
      return super.addRequest(req, options);
    }
  }
  return { nodeOptions: { agent: new RecordingAgent({ keepAlive: true, ...tls }) } };
}

function transport(extra = {}, methods = []) {
  const options = {
    baseUrl: config.baseUrl,
    httpVersion,
    useBinaryFormat: binary,
    ...nodeOptions(methods),
    ...extra,
  };
  switch (config.protocol) {
    case "grpc":
      return createGrpcTransport(options);
    case "connect":
      return createConnectTransport(options);
    case "grpcweb":
      return createGrpcWebTransport(options);
    default:
      throw new Error(`unknown protocol ${config.protocol}`);
  }
}

const client = createClient(ConnectPeer, transport());

function request(text, count = 0) {
  return create(ConnectRequestSchema, { text, count });
}

function check(condition, what) {
  if (!condition) {
    throw new Error(`expected ${what}`);
  }
}

function equal(actual, expected, what) {
  check(actual === expected, `${what} ${JSON.stringify(String(expected))}, got ${JSON.stringify(String(actual))}`);
}

/** The ConnectError a call ends with (fails when it succeeds). */
async function failure(call) {
  try {
    await call();
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail, it succeeded");
}

async function collect(stream) {
  const all = [];
  for await (const reply of stream) {
    all.push(reply);
  }
  return all;
}

const PING_BIN = new Uint8Array([0, 1, 127, 128, 255, 10, 13]);

/** Call options sending x-ping and x-ping-bin, and what the answer must carry (see the service). */
function pingOptions(value) {
  const seen = { header: null, trailer: null };
  const options = {
    headers: { "x-ping": value, "x-ping-bin": encodeBinaryHeader(PING_BIN) },
    onHeader: (h) => (seen.header = h),
    onTrailer: (t) => (seen.trailer = t),
  };
  const verify = () => {
    check(seen.header !== null, "response headers");
    equal(seen.header.get("x-pong"), value, "header x-pong");
    const bin = seen.header.get("x-pong-bin");
    check(bin !== null, "header x-pong-bin");
    equal(Buffer.from(decodeBinaryHeader(bin)).toString("hex"), Buffer.from(PING_BIN).toString("hex"), "x-pong-bin");
    check(seen.trailer !== null, "response trailers");
    equal(seen.trailer.get("x-ping-trailer"), value + "!", "trailer x-ping-trailer");
  };
  return { options, verify };
}

let names = 0;
function uniqueName(prefix) {
  return `${prefix}-${config.protocol}-${process.pid}-${names++}`;
}

/** How the server saw the hang or watch call with this name end. */
async function outcome(name) {
  return (await client.outcome(request(name))).text;
}

const cases = {
  async unary() {
    const reply = await client.unary(request("hi", 7));
    equal(reply.text, "echo:hi", "text");
    equal(reply.sequence, 7n, "sequence");
  },

  async unaryMetadata() {
    const ping = pingOptions("unary ping");
    await client.unary(request("m"), ping.options);
    ping.verify();
  },

  async serverStream() {
    const replies = await collect(client.serverStream(request("n", 5)));
    equal(replies.map((r) => r.text).join(" "), "n0 n1 n2 n3 n4", "texts");
    equal(replies[4].sequence, 4n, "last sequence");
  },

  async serverStreamMetadata() {
    const ping = pingOptions("stream ping");
    await collect(client.serverStream(request("m", 2), ping.options));
    ping.verify();
  },

  async serverStreamError() {
    const seen = [];
    const err = await failure(async () => {
      for await (const reply of client.serverStream(request("fail", 3))) {
        seen.push(reply.text);
      }
    });
    equal(seen.join(" "), "fail0 fail1 fail2", "the replies before the error");
    equal(err.code, Code.Aborted, "code");
    equal(err.rawMessage, "failed after 3", "message");
  },

  async clientStream() {
    async function* requests() {
      for (const text of ["a", "b", "c"]) {
        yield request(text);
      }
    }
    const ping = pingOptions("client stream ping");
    const reply = await client.clientStream(requests(), ping.options);
    equal(reply.text, "a,b,c", "text");
    equal(reply.sequence, 3n, "sequence");
    ping.verify();
  },

  async bidi() {
    // ping-pong: each request is sent only once the previous reply arrived, so this passes only
    // if requests and replies really flow at the same time
    let replied = null;
    async function* requests() {
      for (let i = 0; i < 20; i++) {
        const next = new Promise((resolve) => (replied = resolve));
        yield request("w" + i, i);
        await next;
      }
    }
    const ping = pingOptions("bidi ping");
    const texts = [];
    for await (const reply of client.bidi(requests(), ping.options)) {
      texts.push(reply.text);
      replied();
    }
    equal(texts.length, 20, "number of replies");
    equal(texts[19], "echo:w19", "last reply");
    ping.verify();
  },

  async error() {
    const message = "\t\nno such room ☺ 😈 100% \r\n";
    const err = await failure(() => client.fail(request(message, 5)));
    equal(err.code, Code.NotFound, "code");
    equal(err.rawMessage, message, "message");
    equal(err.metadata.get("x-trailer"), "t1", "trailer x-trailer");
  },

  async errorDetails() {
    const message = "with details";
    const err = await failure(() => client.fail(request(message, 9)));
    equal(err.code, Code.FailedPrecondition, "code");
    const details = err.findDetails(StringValueSchema);
    equal(details.length, 1, "number of StringValue details");
    equal(details[0].value, message, "detail");
  },

  async errorCodes() {
    for (const code of [Code.InvalidArgument, Code.FailedPrecondition, Code.Unauthenticated, Code.Internal]) {
      const err = await failure(() => client.fail(request("code " + code, code)));
      equal(err.code, code, "code");
      equal(err.rawMessage, "code " + code, "message");
    }
  },

  async deadline() {
    const reply = await client.deadline(request("d"), { timeoutMs: 30_000 });
    check(reply.sequence > 0n && reply.sequence <= 30_000n, `a deadline within 30 s, got ${reply.sequence} ms`);
    const none = await client.deadline(request("d"), { timeoutMs: 0 });
    equal(none.sequence, -1n, "sequence without a deadline");
  },

  async deadlineExceeded() {
    const name = uniqueName("hang");
    const err = await failure(() => client.hang(request(name), { timeoutMs: 3000 }));
    equal(err.code, Code.DeadlineExceeded, "code");
    const ended = await outcome(name);
    check(ended === "DEADLINE_EXCEEDED" || ended === "CANCELLED", `the server's call ended by its deadline, got ${ended}`);
  },

  async streamDeadlineExceeded() {
    const name = uniqueName("watch");
    const seen = [];
    const err = await failure(async () => {
      for await (const reply of client.watch(request(name), { timeoutMs: 3000 })) {
        seen.push(reply.text);
      }
    });
    equal(seen.join(), "started:" + name, "the reply before the deadline");
    equal(err.code, Code.DeadlineExceeded, "code");
    const ended = await outcome(name);
    check(ended === "DEADLINE_EXCEEDED" || ended === "CANCELLED", `the server's call ended by its deadline, got ${ended}`);
  },

  async cancel() {
    const name = uniqueName("cancel");
    const abort = new AbortController();
    const seen = [];
    const err = await failure(async () => {
      for await (const reply of client.watch(request(name), { signal: abort.signal })) {
        seen.push(reply.text);
        abort.abort();
      }
    });
    equal(seen.join(), "started:" + name, "the reply before cancelling");
    equal(err.code, Code.Canceled, "code");
    equal(await outcome(name), "CANCELLED", "how the server's call ended");
  },

  async get() {
    const methods = [];
    const getClient = createClient(ConnectPeer, transport({ useHttpGet: true }, methods));
    const reply = await getClient.lookup(request("x", 3));
    equal(reply.text, "found:x", "text");
    equal(methods.join(), "GET", "HTTP methods sent");
    const ping = pingOptions("get ping");
    await getClient.lookup(request("y"), ping.options);
    ping.verify();
  },
};

/** Runs one case (at most 30 s) and prints its line. */
async function runCase(name) {
  const run = cases[name];
  const started = performance.now();
  let line;
  let timer;
  try {
    if (!run) {
      throw new Error(`no case named ${name}`);
    }
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("no result within 30 s")), 30_000);
    });
    await Promise.race([run(), timeout]);
    line = { case: name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    const error = String(e instanceof Error ? e.stack ?? e.message : e);
    line = { case: name, ok: false, ms: Math.round(performance.now() - started), error };
  } finally {
    clearTimeout(timer);
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}

// the cases run at once, on one connection (a second one for GET): each is independent of the others
await Promise.all(config.cases.map(runCase));
process.exit(0);
