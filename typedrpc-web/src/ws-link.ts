// The WebSocket link: one binary WebSocket message per frame, subprotocol typedrpc.v1.

import { Waiters, type Link, type LinkListener } from "./link.js";

/** The WebSocket subprotocol of the frame protocol. */
export const SUBPROTOCOL = "typedrpc.v1";

/** The part of the standard WebSocket constructor this transport uses. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Unsent bytes above which writers wait, and the level they wait for. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/** Opens a WebSocket link to `url` (ws: or wss:). */
export function openWebSocket(
  url: string,
  ctor: WebSocketConstructor,
  listener: LinkListener,
): Link {
  let closed = false;
  let opened = false;
  const waiters = new Waiters();
  let poll: ReturnType<typeof setInterval> | undefined;
  const end = (reason: string) => {
    if (closed) {
      return;
    }
    closed = true;
    if (poll !== undefined) {
      clearInterval(poll);
    }
    waiters.wakeAll();
    listener.onClose(reason);
  };
  let ws: WebSocket;
  try {
    ws = new ctor(url, SUBPROTOCOL);
  } catch (e) {
    queueMicrotask(() => end(`cannot open ${url}: ${String(e)}`));
    return {
      transport: "websocket",
      send() {},
      congested: () => false,
      drained: () => Promise.resolve(),
      close() {},
    };
  }
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    if (ws.protocol !== SUBPROTOCOL) {
      end(`${url} accepted the WebSocket without subprotocol ${SUBPROTOCOL}`);
      ws.close(1002);
      return;
    }
    opened = true;
    listener.onOpen();
  };
  ws.onmessage = (event: MessageEvent) => {
    if (closed) {
      return;
    }
    if (!(event.data instanceof ArrayBuffer)) {
      end("the server sent a text WebSocket message");
      ws.close(1003);
      return;
    }
    listener.onFrame(new Uint8Array(event.data));
  };
  ws.onerror = (event: Event) => {
    // before the upgrade completed, some implementations (Node 20's) fire no close event after this
    if (!opened) {
      const message = (event as Event & { message?: string }).message;
      end(`WebSocket to ${url} refused or failed${message ? ": " + message : ""}`);
      try {
        ws.close();
      } catch {
        // already failed
      }
    }
    // once open, the close event that follows says more
  };
  ws.onclose = (event: CloseEvent) => {
    end(
      opened
        ? `WebSocket closed (${event.code}${event.reason ? " " + event.reason : ""})`
        : `WebSocket to ${url} refused or failed (${event.code})`,
    );
  };
  return {
    transport: "websocket",
    send(frame) {
      if (!closed && ws.readyState === 1) {
        ws.send(frame as Uint8Array<ArrayBuffer>);
      }
    },
    congested: () => !closed && ws.bufferedAmount > HIGH_WATER,
    drained() {
      if (closed || ws.bufferedAmount <= LOW_WATER) {
        return Promise.resolve();
      }
      // the WebSocket API has no event for a drained buffer: check it a few times a second
      if (poll === undefined) {
        poll = setInterval(() => {
          if (closed || ws.bufferedAmount <= LOW_WATER) {
            clearInterval(poll);
            poll = undefined;
            waiters.wakeAll();
          }
        }, 20);
      }
      return waiters.wait();
    },
    close() {
      if (!closed) {
        ws.close(1000);
        end("closed by the client");
      }
    },
  };
}
