// createTypedrpcTransport: Connect-ES's Transport over typedrpc's frame protocol.

import {
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethod,
  type DescMethodStreaming,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type ContextValues,
  type Interceptor,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { runStreamingCall, runUnaryCall } from "@connectrpc/connect/protocol";
import { Call, type ResponseWindow } from "./call.js";
import { Channel, type BackoffOptions } from "./channel.js";
import type { Connection } from "./connection.js";
import type { ServiceInfo } from "./control.js";
import type { LinkFactory, TransportName } from "./link.js";
import { headersToEntries, metadataSize } from "./metadata.js";
import { openSse } from "./sse-link.js";
import { openWebSocket, type WebSocketConstructor } from "./ws-link.js";

/** This client's version of a service, announced in the handshake and checked against the server's. */
export interface ServiceVersionOptions {
  /** The service's version (`@RpcService(version)`), announced to the server. */
  version: number;
  /** The schema fingerprint from the service's JSON descriptor, announced to the server. */
  fingerprint?: string;
  /**
   * The version each method was added in (`@Since`), by proto method name: a call to a method newer than
   * the server's version of the service fails at once with UNIMPLEMENTED, as in typedrpc's Java client.
   */
  since?: Record<string, number>;
  /**
   * Require the server to run exactly this schema: a call fails at once with FAILED_PRECONDITION if the
   * server announces another fingerprint. Off by default (versions evolve compatibly).
   */
  requireSameFingerprint?: boolean;
}

/** Options of {@link createTypedrpcTransport}. */
export interface TypedrpcTransportOptions {
  /**
   * The server: `http://host:port` or `https://host:port`, optionally with the frame endpoint's path
   * (`/rpc` if none). WebSocket goes to `ws(s)://host:port/rpc`, SSE to `http(s)://host:port/rpc/sse`.
   */
  baseUrl: string;
  /** The transports to try, in order; default `["websocket", "sse"]`. */
  transports?: TransportName[];
  /** How long each transport may take to connect and complete the handshake; default 5000 ms. */
  attemptTimeoutMs?: number;
  /** The back-off after a failed connection attempt; gRPC's defaults. */
  backoff?: BackoffOptions;
  /** The WebSocket constructor; default `globalThis.WebSocket`. */
  webSocket?: WebSocketConstructor;
  /** The fetch function for SSE; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Connect-ES interceptors, applied to every call. */
  interceptors?: Interceptor[];
  /** This client's versions of the services it calls, by fully-qualified service name. */
  services?: Record<string, ServiceVersionOptions>;
  /**
   * Response messages a streaming call buffers at most: the credit it grants the server, renewed as the
   * application reads (half a window at a time). Default 1024; at most 1024. A call grants 32 before
   * its first response message shows how large they are.
   */
  streamWindow?: number;
  /**
   * Response bytes a streaming call buffers at most: the window shrinks to what fits at the size of the
   * last message (one message at least). Default 64 KiB.
   */
  streamWindowBytes?: number;
  /** The largest response message accepted; default 4 MiB. */
  maxMessageSize?: number;
}

/** A Connect-ES transport that can also be closed, and says which transport it uses. */
export interface TypedrpcTransport extends Transport {
  /** The transport of the current connection ("websocket" or "sse"), if one is open. */
  readonly currentTransport: TransportName | undefined;
  /** Closes the connection; open calls end with UNAVAILABLE, later calls fail. */
  close(): void;
}

const DEFAULT_PATH = "/rpc";

/** A call with one response message grants credit for one. */
const UNARY_WINDOW: ResponseWindow = { messages: 1, bytes: Number.POSITIVE_INFINITY };

/**
 * A Connect-ES transport that speaks typedrpc's frame protocol, over WebSocket (subprotocol
 * `typedrpc.v1`) or, where WebSocket does not get through, Server-Sent Events with POSTs. All four call
 * kinds work on both.
 */
export function createTypedrpcTransport(options: TypedrpcTransportOptions): TypedrpcTransport {
  const url = new URL(options.baseUrl);
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new Error(`expected an http(s):// or ws(s):// baseUrl, got ${options.baseUrl}`);
  }
  const path = url.pathname === "/" || url.pathname === "" ? DEFAULT_PATH : url.pathname.replace(/\/+$/, "");
  const httpEndpoint = `${secure ? "https" : "http"}://${url.host}${path}`;
  const wsEndpoint = `${secure ? "wss" : "ws"}://${url.host}${path}`;
  const window: ResponseWindow = {
    messages: Math.max(1, Math.min(options.streamWindow ?? 1024, 1024)),
    bytes: Math.max(1, options.streamWindowBytes ?? 64 * 1024),
  };
  const maxMessageSize = options.maxMessageSize ?? 4 * 1024 * 1024;
  const services: ServiceInfo[] = Object.entries(options.services ?? {}).map(([name, v]) => ({
    name,
    version: v.version,
    fingerprint: v.fingerprint ?? "",
  }));
  const links: Record<TransportName, LinkFactory> = {
    websocket: (listener) => {
      const ctor = options.webSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
      if (ctor === undefined) {
        throw new Error("no WebSocket: pass the webSocket option (Node 20: run with --experimental-websocket)");
      }
      return openWebSocket(wsEndpoint, ctor, listener);
    },
    sse: (listener) => openSse(httpEndpoint, options.fetch ?? globalThis.fetch.bind(globalThis), listener),
  };
  const channel = new Channel(
    httpEndpoint,
    options.transports ?? ["websocket", "sse"],
    links,
    options.attemptTimeoutMs ?? 5000,
    {
      initialMs: options.backoff?.initialMs ?? 1000,
      multiplier: options.backoff?.multiplier ?? 1.6,
      jitter: options.backoff?.jitter ?? 0.2,
      maxMs: options.backoff?.maxMs ?? 120_000,
    },
    { maxFrameSize: 64 * 1024, maxMessageSize, maxMetadataSize: 8 * 1024 },
    services,
  );

  /** A call on a ready connection, after the checks the handshake makes possible. */
  async function start(
    method: DescMethod,
    header: Headers,
    deadline: number | undefined,
    signal: AbortSignal,
    callWindow: ResponseWindow,
  ): Promise<Call> {
    let connection = await untilAborted(channel.connection(), signal);
    // at most the server's max_concurrent_streams calls run at once; the others wait for a slot
    while (!connection.hasSlot() || !connection.usable) {
      if (connection.usable) {
        await untilAborted(connection.slotFreed(), signal);
      } else {
        connection = await untilAborted(channel.connection(), signal);
      }
    }
    check(connection, method);
    const metadata = headersToEntries(header);
    const maxMetadata = connection.server!.maxMetadataSize;
    if (metadataSize(metadata) > maxMetadata) {
      throw new ConnectError(
        `request metadata of ${metadataSize(metadata)} bytes over the server's limit of ${maxMetadata}`,
        Code.ResourceExhausted,
      );
    }
    const timeoutMs = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    return new Call(
      connection,
      `${method.parent.typeName}/${method.name}`,
      metadata,
      timeoutMs,
      signal,
      callWindow,
    );
  }

  /** The version handshake: a service the server does not run, or a method newer than its version. */
  function check(connection: Connection, method: DescMethod): void {
    const name = method.parent.typeName;
    const announced = connection.server!.services;
    if (announced.length === 0) {
      return; // a server that lists no services says nothing about its versions
    }
    const server = announced.find((s) => s.name === name);
    if (server === undefined) {
      throw new ConnectError(
        `${name}/${method.name}: the server does not run ${name} (it runs ${announced.map((s) => s.name).join(", ")})`,
        Code.Unimplemented,
      );
    }
    const mine = options.services?.[name];
    const since = mine?.since?.[method.name];
    if (since !== undefined && since > server.version) {
      throw new ConnectError(
        `${name}/${method.name} was added in version ${since} of ${name}, but the server runs version ${server.version} (this client has version ${mine!.version})`,
        Code.Unimplemented,
      );
    }
    if (
      mine?.requireSameFingerprint === true &&
      mine.fingerprint !== undefined &&
      server.fingerprint !== mine.fingerprint
    ) {
      throw new ConnectError(
        `${name}: the server runs schema ${server.fingerprint || "(unknown)"} v${server.version}, this client requires ${mine.fingerprint} v${mine.version}`,
        Code.FailedPrecondition,
      );
    }
  }

  function request(method: DescMethod, header: HeadersInit | undefined, contextValues?: ContextValues) {
    return {
      service: method.parent,
      requestMethod: "POST",
      url: `${httpEndpoint}/${method.parent.typeName}/${method.name}`,
      header: new Headers(header),
      contextValues: contextValues ?? createContextValues(),
    };
  }

  return {
    get currentTransport() {
      return channel.transport;
    },
    close() {
      channel.close();
    },

    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ): Promise<UnaryResponse<I, O>> {
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      return runUnaryCall<I, O>({
        interceptors: options.interceptors,
        signal,
        timeoutMs,
        req: { stream: false, method, ...request(method, header, contextValues), message: input },
        next: async (req) => {
          const bytes = toBinary(method.input, req.message);
          for (let attempt = 1; ; attempt++) {
            const call = await start(method, req.header, deadline, req.signal, UNARY_WINDOW);
            await call.send(bytes, true);
            try {
              const first = await call.next();
              if (first === undefined) {
                throw new ConnectError("protocol error: the server ended the call without a response", Code.Internal);
              }
              if ((await call.next()) !== undefined) {
                throw new ConnectError("protocol error: more than one response to a unary call", Code.Internal);
              }
              return {
                stream: false as const,
                service: method.parent,
                method,
                header: call.header,
                trailer: call.trailer,
                message: decode(method.output, first, call),
              };
            } catch (e) {
              // a call the server never processed (above a GOAWAY's last stream) is retried once, as gRPC does
              if (attempt === 1 && (e as { refused?: boolean }).refused === true) {
                continue;
              }
              throw e;
            }
          }
        },
      });
    },

    async stream<I extends DescMessage, O extends DescMessage>(
      method: DescMethodStreaming<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: AsyncIterable<MessageInitShape<I>>,
      contextValues?: ContextValues,
    ): Promise<StreamResponse<I, O>> {
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      return runStreamingCall<I, O>({
        interceptors: options.interceptors,
        signal,
        timeoutMs,
        req: { stream: true, method, ...request(method, header, contextValues), message: input },
        next: async (req) => {
          const single = method.methodKind === "server_streaming";
          const call = await start(method, req.header, deadline, req.signal, single || method.methodKind === "bidi_streaming" ? window : UNARY_WINDOW);
          void pump(call, req.message, method.input, single);
          await call.responseStarted();
          return {
            stream: true as const,
            service: method.parent,
            method,
            header: call.header,
            trailer: call.trailer,
            message: responses(call, method.output),
          };
        },
      });
    },
  };
}

/** Sends the request messages as credit allows, then half-closes; a failing source cancels the call. */
async function pump<I extends DescMessage>(
  call: Call,
  input: AsyncIterable<MessageShape<I>>,
  schema: I,
  single: boolean,
): Promise<void> {
  try {
    for await (const message of input) {
      if (call.ended) {
        return;
      }
      await call.send(toBinary(schema, message), single);
      if (single) {
        return;
      }
    }
    call.halfClose();
  } catch (e) {
    call.cancel(ConnectError.from(e, Code.Canceled));
  }
}

async function* responses<O extends DescMessage>(call: Call, schema: O): AsyncIterable<MessageShape<O>> {
  for (;;) {
    const bytes = await call.next();
    if (bytes === undefined) {
      return;
    }
    yield decode(schema, bytes, call);
  }
}

function decode<O extends DescMessage>(schema: O, bytes: Uint8Array, call: Call): MessageShape<O> {
  try {
    return fromBinary(schema, bytes);
  } catch (e) {
    const error = new ConnectError(`response message does not decode: ${String(e)}`, Code.Internal);
    call.cancel(error);
    throw error;
  }
}

/** `promise`, or the abort reason as a ConnectError if `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(ConnectError.from(signal.reason, Code.Canceled));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ConnectError.from(signal.reason, Code.Canceled));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
