// One call on a connection, as Connect-ES sees it: response headers and trailers, response messages
// through async iteration with credit granted only as the consumer pulls (so at most the call's
// window of messages is ever buffered), request messages sent only while the server's credit allows,
// a local deadline timer, and cancellation (CANCEL) from an AbortSignal.

import { Code, ConnectError } from "@connectrpc/connect";
import type { Entry, StatusPayload } from "./control.js";
import type { Connection, StreamHandler } from "./connection.js";
import { appendEntries } from "./metadata.js";
import { cancelCodeOf, codeOf } from "./status.js";

/**
 * How many response messages a call lets the server send ahead of the consumer: at most `messages`,
 * and once messages arrive, only as many as fit in `bytes` at the size of the last one (at least one).
 */
export interface ResponseWindow {
  readonly messages: number;
  readonly bytes: number;
}

/** The credit a call grants before it has seen a response message (and so knows their size). */
const FIRST_WINDOW = 32;

/** An error that tells the transport the server never processed the call (safe to retry). */
export class RefusedError extends ConnectError {
  readonly refused = true;
}

/** A call's stream of frames, with backpressure both ways. */
export class Call implements StreamHandler {
  readonly header = new Headers();
  readonly trailer = new Headers();

  private readonly id: number;
  private readonly buffer: Uint8Array[] = [];
  /** Credit the server holds: granted and not yet used by a message. */
  private outstanding: number;
  /** Messages buffered and granted together at most: the window, sized by the last message. */
  private windowLimit: number;
  /** How the call ended: null while open, "ok", or the error. */
  private end: "ok" | ConnectError | null = null;
  /** Whether this side has stopped sending (half-closed or ended). */
  private sendDone = false;
  private sendCredit = 1; // every stream starts with one credit for the client's first message
  private pullWaiter?: () => void;
  private creditWaiter?: () => void;
  private firstResponse?: () => void;
  private readonly first: Promise<void>;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly onAbort: () => void;

  constructor(
    private readonly connection: Connection,
    method: string,
    metadata: Entry[],
    timeoutMs: number | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly window: ResponseWindow,
  ) {
    this.first = new Promise((resolve) => (this.firstResponse = resolve));
    this.onAbort = () => this.cancel(this.signal?.reason);
    this.windowLimit = Math.min(window.messages, FIRST_WINDOW);
    this.outstanding = this.windowLimit;
    this.id = connection.startCall(method, timeoutMs, metadata, this.outstanding, this);
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(
        () =>
          this.cancel(new ConnectError(`deadline of ${timeoutMs} ms exceeded`, Code.DeadlineExceeded)),
        Math.max(0, timeoutMs),
      );
    }
    if (signal !== undefined) {
      if (signal.aborted) {
        queueMicrotask(this.onAbort);
      } else {
        signal.addEventListener("abort", this.onAbort, { once: true });
      }
    }
  }

  // ------------------------------------------------------------------ StreamHandler

  onHeaders(entries: Entry[]): void {
    appendEntries(this.header, entries);
    this.firstResponse?.();
  }

  onMessage(bytes: Uint8Array): void {
    if (this.end !== null) {
      return;
    }
    if (this.outstanding === 0) {
      // beyond the credit this call granted: a stream error
      this.fail(
        new ConnectError("the server sent a message it had no credit for", Code.ResourceExhausted),
        Code.ResourceExhausted,
      );
      return;
    }
    this.outstanding--;
    const fit = Math.floor(this.window.bytes / Math.max(1, bytes.length));
    this.windowLimit = Math.max(1, Math.min(this.window.messages, fit));
    this.buffer.push(bytes);
    this.firstResponse?.();
    this.wakePull();
  }

  onCredit(n: number): void {
    this.sendCredit += n;
    const w = this.creditWaiter;
    this.creditWaiter = undefined;
    w?.();
  }

  onStatus(status: StatusPayload): void {
    if (this.end !== null) {
      return;
    }
    appendEntries(this.trailer, status.trailers);
    if (status.code === 0) {
      this.finish("ok");
    } else {
      const metadata = new Headers(this.header);
      appendEntries(metadata, status.trailers);
      this.finish(new ConnectError(status.message, codeOf(status.code), metadata));
    }
  }

  onTerminated(code: Code, message: string, refused: boolean): void {
    if (this.end === null) {
      this.finish(refused ? new RefusedError(message, code) : new ConnectError(message, code));
    }
  }

  // ------------------------------------------------------------------ the consumer's side

  /** Resolves when response headers, a message or the end arrived (what Connect-ES waits for). */
  async responseStarted(): Promise<void> {
    await this.first;
    if (this.end instanceof ConnectError && this.buffer.length === 0) {
      throw this.end;
    }
  }

  /** The next response message, or undefined at a successful end; throws the call's error. */
  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.end instanceof ConnectError && this.cancelledLocally) {
        throw this.end; // a local cancel drops what was buffered
      }
      const m = this.buffer.shift();
      if (m !== undefined) {
        this.renewCredit();
        return m;
      }
      if (this.end === "ok") {
        return undefined;
      }
      if (this.end !== null) {
        throw this.end;
      }
      await new Promise<void>((resolve) => (this.pullWaiter = resolve));
    }
  }

  /**
   * Grants the credit the window calls for, once at least half of it is missing: one CREDIT frame per
   * half window, and the server is never left without credit while the consumer reads.
   */
  private renewCredit(): void {
    if (this.end !== null) {
      return;
    }
    const window = this.windowLimit - this.buffer.length;
    const add = window - this.outstanding;
    if (add > 0 && add * 2 >= window) {
      this.outstanding += add;
      this.connection.sendCredit(this.id, add);
    }
  }

  // ------------------------------------------------------------------ the producer's side

  /** Sends one request message once the server's credit allows it. */
  async send(bytes: Uint8Array, last: boolean): Promise<void> {
    while (this.end === null && !this.sendDone && this.sendCredit === 0) {
      await new Promise<void>((resolve) => (this.creditWaiter = resolve));
    }
    while (this.end === null && this.connection.congested()) {
      await this.connection.drained();
    }
    if (this.end !== null || this.sendDone) {
      return;
    }
    this.sendCredit--;
    this.sendDone = last;
    this.connection.sendMessage(this.id, bytes, last);
  }

  /** The client sends nothing more. */
  halfClose(): void {
    if (this.end === null && !this.sendDone) {
      this.sendDone = true;
      this.connection.sendHalfClose(this.id);
    }
  }

  /** Whether the call has ended (its response is complete or it failed). */
  get ended(): boolean {
    return this.end !== null;
  }

  /** Abandons the call: CANCEL to the server; the consumer sees the error. */
  cancel(reason: unknown): void {
    if (this.end !== null) {
      return;
    }
    const code = cancelCodeOf(reason);
    const error =
      reason instanceof ConnectError && (reason.code === code)
        ? reason
        : ConnectError.from(reason, code);
    this.fail(error, code);
  }

  private cancelledLocally = false;

  private fail(error: ConnectError, code: Code): void {
    this.cancelledLocally = true;
    this.connection.cancel(this.id, code, error.rawMessage);
    this.finish(error);
  }

  private finish(end: "ok" | ConnectError): void {
    if (this.end !== null) {
      return;
    }
    this.end = end;
    this.sendDone = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.signal?.removeEventListener("abort", this.onAbort);
    this.connection.release(this.id);
    this.firstResponse?.();
    this.wakePull();
    const w = this.creditWaiter;
    this.creditWaiter = undefined;
    w?.();
  }

  private wakePull(): void {
    const w = this.pullWaiter;
    this.pullWaiter = undefined;
    w?.();
  }
}
