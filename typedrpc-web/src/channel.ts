// Which connection new calls use: one at a time, opened lazily by trying the transports in order
// (WebSocket, then SSE) each within its own attempt timeout, the one that worked first next time. A
// failed attempt is followed by gRPC's connection back-off (exponential, with jitter); calls made
// during the back-off fail fast with UNAVAILABLE. A connection that goes away (closed, or GOAWAY) is
// dropped; the next call opens a new one at once.

import { Code, ConnectError } from "@connectrpc/connect";
import { Connection, type ClientLimits } from "./connection.js";
import type { ServiceInfo } from "./control.js";
import type { LinkFactory, TransportName } from "./link.js";

/** gRPC's connection back-off (https://github.com/grpc/grpc/blob/master/doc/connection-backoff.md). */
export interface BackoffOptions {
  /** The wait after the first failed attempt; default 1000 ms. */
  initialMs?: number;
  /** Each further wait is this many times the last; default 1.6. */
  multiplier?: number;
  /** Each wait is spread by ± this fraction; default 0.2. */
  jitter?: number;
  /** The longest wait; default 120000 ms. */
  maxMs?: number;
}

export class Channel {
  private current?: Connection;
  private connecting?: Promise<Connection>;
  private preferred?: TransportName;
  private backoffMs = 0;
  private nextAttemptAt = 0;
  private lastFailure = "";
  private shutdown = false;
  private readonly all = new Set<Connection>();

  constructor(
    private readonly target: string,
    private readonly order: readonly TransportName[],
    private readonly links: Record<TransportName, LinkFactory>,
    private readonly attemptTimeoutMs: number,
    private readonly backoff: Required<BackoffOptions>,
    private readonly limits: ClientLimits,
    private readonly services: ServiceInfo[],
  ) {}

  /** The transport the current connection uses, if there is one. */
  get transport(): TransportName | undefined {
    return this.current?.usable ? this.current.transport : undefined;
  }

  /** A connection ready for a new call. */
  connection(): Promise<Connection> {
    if (this.shutdown) {
      return Promise.reject(new ConnectError("the transport was closed", Code.Unavailable));
    }
    if (this.current?.usable) {
      return Promise.resolve(this.current);
    }
    if (this.connecting !== undefined) {
      return this.connecting;
    }
    const now = Date.now();
    if (now < this.nextAttemptAt) {
      return Promise.reject(
        new ConnectError(
          `${this.lastFailure}; next attempt in ${Math.ceil(this.nextAttemptAt - now)} ms`,
          Code.Unavailable,
        ),
      );
    }
    const started = now;
    this.connecting = this.negotiate().then(
      (c) => {
        this.connecting = undefined;
        this.backoffMs = 0;
        this.nextAttemptAt = 0;
        this.preferred = c.transport;
        if (this.shutdown) {
          c.close();
          throw new ConnectError("the transport was closed", Code.Unavailable);
        }
        this.current = c;
        c.onGone(() => {
          if (this.current === c) {
            this.current = undefined;
          }
        });
        return c;
      },
      (failure: string) => {
        this.connecting = undefined;
        const b = this.backoff;
        this.backoffMs =
          this.backoffMs === 0 ? Math.min(b.initialMs, b.maxMs) : Math.min(this.backoffMs * b.multiplier, b.maxMs);
        const wait = this.backoffMs * (1 + b.jitter * (Math.random() * 2 - 1));
        this.nextAttemptAt = started + wait;
        this.lastFailure = failure;
        throw new ConnectError(failure, Code.Unavailable);
      },
    );
    return this.connecting;
  }

  /** Closes every connection; calls on them end with UNAVAILABLE, later calls fail. */
  close(): void {
    this.shutdown = true;
    for (const c of this.all) {
      c.close("the transport was closed");
    }
  }

  /** Tries each transport in turn; rejects with what went wrong on each. */
  private async negotiate(): Promise<Connection> {
    const order =
      this.preferred === undefined
        ? this.order
        : [this.preferred, ...this.order.filter((t) => t !== this.preferred)];
    const failures: string[] = [];
    for (const transport of order) {
      try {
        return await this.attempt(transport);
      } catch (e) {
        failures.push(`${transport}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (this.shutdown) {
        break;
      }
    }
    throw `no transport could connect to ${this.target} (${failures.join("; ")})`;
  }

  private attempt(transport: TransportName): Promise<Connection> {
    const { connection, ready } = Connection.open(this.links[transport], this.limits, this.services);
    this.all.add(connection);
    connection.onClose(() => this.all.delete(connection));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        connection.close(`no handshake within ${this.attemptTimeoutMs} ms`);
        reject(new Error(`no handshake within ${this.attemptTimeoutMs} ms`));
      }, this.attemptTimeoutMs);
    });
    return Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
  }
}
