// What a connection needs from the transport underneath it: frames in order both ways.

/** Receives what happens on a link. Each method is called on the event loop, never re-entrantly. */
export interface LinkListener {
  /** The link is up: frames can be sent (the first one is SETTINGS). */
  onOpen(): void;
  /** One frame (which may be a BATCH) arrived. */
  onFrame(frame: Uint8Array): void;
  /**
   * No more frames can be sent (an SSE POST failed), though frames sent before may still be answered:
   * the link stays open for what arrives until it closes (onClose follows, within a bound). `unsent`
   * are the frames it had not sent yet, in order: they never reached the server.
   */
  onSendFailed(reason: string, unsent: Uint8Array[]): void;
  /** The link is gone (called once, also when it never opened); `reason` says why. */
  onClose(reason: string): void;
}

/** A bidirectional, ordered carrier of frames: a WebSocket, or an SSE session with its POSTs. */
export interface Link {
  /** Which transport this is: "websocket" or "sse". */
  readonly transport: TransportName;
  /** Sends one frame (which may be a BATCH), after every frame sent before it. */
  send(frame: Uint8Array): void;
  /** True while the link holds more unsent bytes than it should: writers wait for `drained`. */
  congested(): boolean;
  /** Resolves once the link is no longer congested (or has closed). */
  drained(): Promise<void>;
  /** Closes the link; the listener's onClose follows. */
  close(): void;
}

/** The transports a client can use. */
export type TransportName = "websocket" | "sse";

/** Starts opening a link; the listener hears the outcome. */
export type LinkFactory = (listener: LinkListener) => Link;

/** A resolvable promise for links that wait for their buffers to drain. */
export class Waiters {
  private list: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.list.push(resolve));
  }

  wakeAll(): void {
    const list = this.list;
    this.list = [];
    for (const w of list) {
      w();
    }
  }
}
