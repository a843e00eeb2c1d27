// The SSE + POST link: GET <path>/sse opens a session whose server-to-client frames arrive as
// Server-Sent Events (`event: session` first, then `data: <base64 frame>` per frame); client-to-server
// frames go in POSTs to <path>/sse/<session>, each body a run of frames with 4-byte big-endian lengths,
// one POST at a time so that frames arrive in order. The event stream is read from a fetch body (an
// EventSource cannot be told when to stop, and hides refusals).

import { base64Decode } from "@bufbuild/protobuf/wire";
import { Waiters, type Link, type LinkListener } from "./link.js";

/** Most bytes of frames one POST carries (the server takes four full-size frames and more). */
const MAX_POST_BODY = 192 * 1024;
/** Unsent bytes above which writers wait, and the level they wait for. */
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 128 * 1024;
/** Longest event-stream line accepted: a 64 KiB frame is about 88,000 base64 characters. */
const MAX_LINE = 1024 * 1024;
/** How long a link whose POSTs failed waits for its event stream to end before it closes. */
const POST_LOSS_GRACE_MS = 2000;

/** Opens an SSE session at `endpoint` (http: or https:, the frame endpoint's path, e.g. /rpc). */
export function openSse(endpoint: string, fetchFn: typeof fetch, listener: LinkListener): Link {
  const abort = new AbortController();
  const waiters = new Waiters();
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let session: string | undefined;
  let posting = false;
  let closed = false;
  /** Why POSTs can no longer be sent; undefined while they can. */
  let postsLost: string | undefined;
  let postLossTimer: ReturnType<typeof setTimeout> | undefined;

  const end = (reason: string) => {
    if (closed) {
      return;
    }
    closed = true;
    clearTimeout(postLossTimer);
    pending.length = 0;
    pendingBytes = 0;
    abort.abort();
    waiters.wakeAll();
    listener.onClose(reason);
  };

  // A POST failed: its frames may or may not have reached the server, and no more can be sent. The
  // event stream still says what the server did (a server ending the session closes its POST
  // connections too, after the answers it sent before): the link ends when the event stream ends,
  // or POST_LOSS_GRACE_MS after the failure if it does not.
  const postFailed = (reason: string) => {
    if (closed || postsLost !== undefined) {
      return;
    }
    postsLost = reason;
    const unsent = pending.splice(0);
    pendingBytes = 0;
    waiters.wakeAll();
    postLossTimer = setTimeout(() => end(reason), POST_LOSS_GRACE_MS);
    listener.onSendFailed(reason, unsent);
  };

  const post = async () => {
    const stopped = closed || postsLost !== undefined;
    if (posting || stopped || session === undefined || pending.length === 0) {
      return;
    }
    posting = true;
    try {
      while (!closed && postsLost === undefined && pending.length > 0) {
        let size = 0;
        let count = 0;
        while (count < pending.length) {
          const next = 4 + pending[count]!.length;
          if (count > 0 && size + next > MAX_POST_BODY) {
            break;
          }
          size += next;
          count++;
        }
        const body = new Uint8Array(size);
        const view = new DataView(body.buffer);
        let at = 0;
        for (const frame of pending.splice(0, count)) {
          view.setUint32(at, frame.length);
          body.set(frame, at + 4);
          at += 4 + frame.length;
          pendingBytes -= frame.length;
        }
        if (pendingBytes <= LOW_WATER) {
          waiters.wakeAll();
        }
        const response = await fetchFn(`${endpoint}/sse/${session}`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body,
          signal: abort.signal,
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status !== 204) {
          postFailed(`the server answered a POST with ${response.status}`);
        }
      }
    } catch (e) {
      postFailed(`POST failed: ${describe(e)}`);
    } finally {
      posting = false;
    }
  };

  const read = async () => {
    let response: Response | undefined;
    // a kept-alive connection the server closed just as it was reused fails the request before any
    // answer (undici does not retry it): the GET, which the server never saw, is sent once more
    for (let attempt = 1; response === undefined; attempt++) {
      try {
        response = await fetchFn(`${endpoint}/sse`, {
          headers: { accept: "text/event-stream", "cache-control": "no-cache" },
          signal: abort.signal,
        });
      } catch (e) {
        if (attempt === 1 && !abort.signal.aborted) {
          continue;
        }
        end(`no SSE session from ${endpoint}: ${describe(e)}`);
        return;
      }
    }
    const type = response.headers.get("content-type") ?? "";
    if (response.status !== 200 || !type.startsWith("text/event-stream") || !response.body) {
      const text = await response.text().catch(() => "");
      end(
        `the server answered the SSE request with ${response.status} ${type}` +
          (text.trim() ? `: ${text.trim().slice(0, 256)}` : ""),
      );
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let line = "";
    let event = "message";
    let data: string | undefined;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || closed) {
          break;
        }
        let start = 0;
        for (let i = 0; i < value.length; i++) {
          if (value.charCodeAt(i) !== 10) {
            continue;
          }
          line += value.substring(start, i);
          start = i + 1;
          if (line.endsWith("\r")) {
            line = line.slice(0, -1);
          }
          if (line === "") {
            if (data !== undefined) {
              dispatch(event, data);
            }
            event = "message";
            data = undefined;
          } else if (line.startsWith("event:")) {
            event = line.slice(6).trim();
          } else if (line.startsWith("data:")) {
            data = line.slice(5).trim();
          } // comments (": keepalive") and other fields are ignored
          line = "";
          if (closed) {
            return;
          }
        }
        line += value.substring(start);
        if (line.length > MAX_LINE) {
          end(`SSE line longer than ${MAX_LINE} characters`);
          return;
        }
      }
      end(postsLost ?? "the server ended the SSE stream");
    } catch (e) {
      end(`SSE stream failed: ${describe(e)}`);
    }
  };

  const dispatch = (event: string, data: string) => {
    if (event === "session") {
      if (session !== undefined) {
        end("the server named a second SSE session");
        return;
      }
      session = data;
      listener.onOpen();
      void post();
      return;
    }
    if (session === undefined) {
      end("SSE frame before the session event");
      return;
    }
    let frame: Uint8Array;
    try {
      frame = base64Decode(data);
    } catch {
      end("an SSE event is not base64");
      return;
    }
    listener.onFrame(frame);
  };

  void read();
  return {
    transport: "sse",
    send(frame) {
      if (closed || postsLost !== undefined) {
        return;
      }
      pending.push(frame);
      pendingBytes += frame.length;
      // frames sent in the same turn of the event loop share a POST
      queueMicrotask(() => void post());
    },
    congested: () => !closed && pendingBytes > HIGH_WATER,
    drained: () =>
      closed || pendingBytes <= LOW_WATER ? Promise.resolve() : waiters.wait(),
    close() {
      // frames still queued (a CANCEL, a GOAWAY) are dropped: the server ends the session's calls
      // when its event stream closes
      end("closed by the client");
    },
  };
}

/** An error with its cause (fetch says only "fetch failed"; the cause says why). */
function describe(e: unknown): string {
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause === undefined ? String(e) : `${String(e)} (${String(cause)})`;
}
