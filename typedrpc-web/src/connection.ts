// One connection of the frame protocol over a link: the SETTINGS handshake, stream ids, frames in and
// out (BATCH read and written, large messages split into MESSAGE_START / MESSAGE_PART and joined),
// PING answered, GOAWAY obeyed, connection errors. Calls talk to it through StreamHandler.

import { Code } from "@connectrpc/connect";
import {
  decodeGoAway,
  decodeHeaders,
  decodeSettings,
  decodeStatus,
  encodeCallStart,
  encodeCancel,
  encodeGoAway,
  encodeSettings,
  type Entry,
  type ServiceInfo,
  type Settings,
  type StatusPayload,
} from "./control.js";
import {
  COMPRESSED,
  END_STREAM,
  FrameType,
  MAX_HEADER,
  ProtocolError,
  batch,
  batchSize,
  decodeFrame,
  encodeFrame,
  readVarint,
  unbatch,
  varintPayload,
  varintSize,
  writeVarint,
  type Frame,
} from "./frames.js";
import type { Link, LinkFactory, TransportName } from "./link.js";

/** What a call hears from its stream. Each method runs on the event loop. */
export interface StreamHandler {
  onHeaders(entries: Entry[]): void;
  /** One whole response message (never compressed: this client announces no encoding). */
  onMessage(bytes: Uint8Array): void;
  onCredit(n: number): void;
  onStatus(status: StatusPayload): void;
  /**
   * The stream ended without a STATUS: the connection went away, refused it (`refused`: the server
   * never processed it, so it is safe to retry), or broke the protocol.
   */
  onTerminated(code: Code, message: string, refused: boolean): void;
}

/** The limits this client announces. */
export interface ClientLimits {
  maxFrameSize: number;
  maxMessageSize: number;
  maxMetadataSize: number;
}

/** A frame the server assumes until our SETTINGS arrive, and that we assume until theirs. */
const INITIAL_FRAME_SIZE = 16 * 1024;
/** Frames up to this size are packed into batches for a server that reads them. */
const BATCHED_FRAME = 8 * 1024;

interface StreamState {
  readonly handler: StreamHandler;
  /** The message being joined from MESSAGE_START / MESSAGE_PART, or bytes still to skip. */
  parts?: Uint8Array[];
  total?: number;
  received?: number;
  skipping?: number;
  headersSeen?: boolean;
  messageSeen?: boolean;
}

/** A connection to one server. Create with `Connection.open`. */
export class Connection {
  /** The server's SETTINGS, once the handshake is done. */
  server?: Settings;
  /** Set when the server sent GOAWAY or the link closed: no new streams go here. */
  draining = false;
  closed = false;
  /** Why the connection closed. */
  closeReason = "";

  private readonly link: Link;
  private readonly streams = new Map<number, StreamState>();
  private nextId = 1;
  private lastId = 0;
  private out: Uint8Array[] = [];
  private flushScheduled = false;
  private settingsSeen = false;
  private readonly readyWaiters: Array<[() => void, (reason: string) => void]> = [];
  private readonly goneListeners: Array<() => void> = [];
  private readonly closeListeners: Array<() => void> = [];
  /** Calls waiting for the number of open streams to drop below the server's limit. */
  private slotWaiters: Array<() => void> = [];

  private constructor(
    factory: LinkFactory,
    private readonly limits: ClientLimits,
    private readonly services: ServiceInfo[],
  ) {
    this.link = factory({
      onOpen: () => this.sendNow(encodeFrame(FrameType.SETTINGS, 0, 0, this.settingsPayload())),
      onFrame: (bytes) => this.onFrame(bytes),
      onSendFailed: (reason, unsent) => this.onSendFailed(reason, unsent),
      onClose: (reason) => this.onLinkClosed(reason),
    });
  }

  /** Opens a connection; the promise resolves once the server's SETTINGS arrived. */
  static open(
    factory: LinkFactory,
    limits: ClientLimits,
    services: ServiceInfo[],
  ): { connection: Connection; ready: Promise<Connection> } {
    const connection = new Connection(factory, limits, services);
    const ready = new Promise<Connection>((resolve, reject) =>
      connection.readyWaiters.push([() => resolve(connection), (why) => reject(new Error(why))]),
    );
    return { connection, ready };
  }

  get transport(): TransportName {
    return this.link.transport;
  }

  /** Whether a new call may start here. */
  get usable(): boolean {
    return !this.draining && !this.closed && this.settingsSeen && this.nextId <= 0x7fffffff;
  }

  /** Calls `listener` once when the connection stops taking new calls. */
  onGone(listener: () => void): void {
    this.goneListeners.push(listener);
  }

  /** Calls `listener` once when the connection has closed. */
  onClose(listener: () => void): void {
    if (this.closed) {
      listener();
    } else {
      this.closeListeners.push(listener);
    }
  }

  /** Closes the link; open calls end with UNAVAILABLE. */
  close(reason = "closed by the client"): void {
    if (!this.closed) {
      this.onLinkClosed(reason); // first, so that the calls hear this reason, not the link's
      this.link.close();
    }
  }

  // ------------------------------------------------------------------ calls

  /** Whether a call may start now without exceeding the server's max_concurrent_streams. */
  hasSlot(): boolean {
    const max = this.server?.maxConcurrentStreams || Number.MAX_SAFE_INTEGER;
    return this.streams.size < max;
  }

  /** Resolves when a stream ended (a slot may be free) or the connection stopped taking calls. */
  slotFreed(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /**
   * Wakes every waiting call to check again (waking one could be lost on a call that was aborted
   * meanwhile); those that find no free slot wait again.
   */
  private wakeSlotWaiter(): void {
    if (this.slotWaiters.length > 0) {
      for (const w of this.slotWaiters.splice(0)) {
        w();
      }
    }
  }

  /** Starts a stream: sends CALL_START; returns its id. */
  startCall(
    method: string,
    timeoutMs: number | undefined,
    metadata: Entry[],
    initialCredit: number,
    handler: StreamHandler,
  ): number {
    const id = this.nextId++;
    this.lastId = id;
    this.streams.set(id, { handler });
    this.queue(
      encodeFrame(
        FrameType.CALL_START,
        0,
        id,
        encodeCallStart(
          method,
          timeoutMs === undefined ? undefined : timeoutMs * 1000,
          metadata,
          initialCredit,
        ),
      ),
    );
    return id;
  }

  /** Sends one request message, in parts if it is larger than the server's frames. */
  sendMessage(id: number, message: Uint8Array, endStream: boolean): void {
    if (!this.streams.has(id)) {
      return;
    }
    const maxFrame = this.server?.maxFrameSize || INITIAL_FRAME_SIZE;
    const room = maxFrame - MAX_HEADER;
    if (message.length <= room) {
      this.queue(encodeFrame(FrameType.MESSAGE, endStream ? END_STREAM : 0, id, message));
      return;
    }
    const startRoom = room - varintSize(message.length);
    const first = new Uint8Array(varintSize(message.length) + startRoom);
    writeVarint(first, 0, message.length);
    first.set(message.subarray(0, startRoom), varintSize(message.length));
    this.queue(encodeFrame(FrameType.MESSAGE_START, 0, id, first));
    for (let at = startRoom; at < message.length; at += room) {
      this.queue(encodeFrame(FrameType.MESSAGE_PART, 0, id, message.subarray(at, at + room)));
    }
    if (endStream) {
      this.queue(encodeFrame(FrameType.HALF_CLOSE, 0, id));
    }
  }

  sendHalfClose(id: number): void {
    if (this.streams.has(id)) {
      this.queue(encodeFrame(FrameType.HALF_CLOSE, 0, id));
    }
  }

  sendCredit(id: number, n: number): void {
    if (this.streams.has(id) && n > 0) {
      this.queue(encodeFrame(FrameType.CREDIT, 0, id, varintPayload(n)));
    }
  }

  /** Abandons a stream: sends CANCEL; nothing more is heard from it. */
  cancel(id: number, code: Code, message: string): void {
    if (this.streams.delete(id)) {
      this.queue(encodeFrame(FrameType.CANCEL, 0, id, encodeCancel(code, message)));
      this.wakeSlotWaiter();
      this.maybeFinishDrain();
    }
  }

  /** Forgets a stream that ended with STATUS or a local failure. */
  release(id: number): void {
    if (this.streams.delete(id)) {
      this.wakeSlotWaiter();
    }
    this.maybeFinishDrain();
  }

  /** True while the link holds too many unsent bytes. */
  congested(): boolean {
    return this.link.congested();
  }

  drained(): Promise<void> {
    return this.link.drained();
  }

  // ------------------------------------------------------------------ writing

  private settingsPayload(): Uint8Array {
    return encodeSettings({
      protocolVersion: 1,
      maxFrameSize: this.limits.maxFrameSize,
      maxMessageSize: this.limits.maxMessageSize,
      maxMetadataSize: this.limits.maxMetadataSize,
      maxConcurrentStreams: 0,
      services: this.services,
      readsBatches: true,
      acceptEncoding: [],
    });
  }

  private sendNow(frame: Uint8Array): void {
    this.link.send(frame);
  }

  /** Queues a frame; frames queued in one turn of the event loop are sent together. */
  private queue(frame: Uint8Array): void {
    if (this.closed) {
      return;
    }
    this.out.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const frames = this.out;
    this.out = [];
    if (this.closed) {
      return;
    }
    const batches = this.server?.readsBatches === true;
    const maxFrame = this.server?.maxFrameSize || INITIAL_FRAME_SIZE;
    const limit = Math.min(BATCHED_FRAME, maxFrame);
    let open: Uint8Array[] = [];
    const sendOpen = () => {
      if (open.length === 1) {
        this.link.send(open[0]!);
      } else if (open.length > 1) {
        this.link.send(batch(open));
      }
      open = [];
    };
    for (const f of frames) {
      if (!batches || f.length > BATCHED_FRAME) {
        sendOpen();
        this.link.send(f);
        continue;
      }
      if (open.length > 0 && batchSize([...open, f]) > limit) {
        sendOpen();
      }
      open.push(f);
    }
    sendOpen();
  }

  // ------------------------------------------------------------------ reading

  private onFrame(bytes: Uint8Array): void {
    if (this.closed) {
      return;
    }
    try {
      if (bytes.length > this.limits.maxFrameSize + MAX_HEADER + 16) {
        throw new ProtocolError(
          `frame of ${bytes.length} bytes over max_frame_size ${this.limits.maxFrameSize}`,
        );
      }
      const frame = decodeFrame(bytes);
      if (!this.settingsSeen && frame.type !== FrameType.SETTINGS) {
        throw new ProtocolError(`first frame is type 0x${frame.type.toString(16)}, not SETTINGS`);
      }
      if (frame.type === FrameType.BATCH) {
        if (frame.stream !== 0 || frame.flags !== 0) {
          throw new ProtocolError("BATCH on a call stream or with flags");
        }
        for (const inner of unbatch(frame.payload)) {
          const f = decodeFrame(inner);
          if (f.type === FrameType.BATCH) {
            throw new ProtocolError("BATCH inside a BATCH");
          }
          this.dispatch(f);
          if (this.closed) {
            return;
          }
        }
      } else {
        this.dispatch(frame);
      }
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.connectionError(e.message);
      } else {
        throw e;
      }
    }
  }

  private dispatch(f: Frame): void {
    const connectionFrame =
      f.type === FrameType.SETTINGS ||
      f.type === FrameType.PING ||
      f.type === FrameType.PONG ||
      f.type === FrameType.GOAWAY;
    if (connectionFrame !== (f.stream === 0)) {
      throw new ProtocolError(
        `frame type 0x${f.type.toString(16)} on ${f.stream === 0 ? "stream 0" : "a call stream"}`,
      );
    }
    switch (f.type) {
      case FrameType.SETTINGS:
        return this.onSettings(f.payload);
      case FrameType.PING:
        this.queue(encodeFrame(FrameType.PONG, 0, 0, f.payload));
        return;
      case FrameType.PONG:
        return;
      case FrameType.GOAWAY:
        return this.onGoAway(f.payload);
      case FrameType.CALL_START:
      case FrameType.CANCEL:
      case FrameType.HALF_CLOSE:
        throw new ProtocolError(`the server sent a client frame (type 0x${f.type.toString(16)})`);
      default:
        return this.onStreamFrame(f);
    }
  }

  private onSettings(payload: Uint8Array): void {
    if (this.settingsSeen) {
      throw new ProtocolError("a second SETTINGS");
    }
    const s = decodeSettings(payload);
    if (s.protocolVersion !== 1) {
      throw new ProtocolError(`the server speaks protocol version ${s.protocolVersion}, not 1`);
    }
    s.maxFrameSize ||= 64 * 1024;
    s.maxMessageSize ||= 4 * 1024 * 1024;
    s.maxMetadataSize ||= 8 * 1024;
    this.server = s;
    this.settingsSeen = true;
    for (const [resolve] of this.readyWaiters.splice(0)) {
      resolve();
    }
  }

  private onGoAway(payload: Uint8Array): void {
    const g = decodeGoAway(payload);
    const why = `the server is going away${g.message ? ": " + g.message : ""}`;
    this.goAway();
    for (const [id, s] of [...this.streams]) {
      if (id > g.lastStreamId) {
        this.streams.delete(id);
        s.handler.onTerminated(Code.Unavailable, `${why} (the call was never processed)`, true);
      }
    }
    this.maybeFinishDrain();
  }

  private onStreamFrame(f: Frame): void {
    const s = this.streams.get(f.stream);
    if (s === undefined) {
      if (f.stream > this.lastId) {
        throw new ProtocolError(`frame for stream ${f.stream}, which was never opened`);
      }
      return; // in flight for a stream that has ended
    }
    switch (f.type) {
      case FrameType.HEADERS:
        if (s.headersSeen || s.messageSeen) {
          return this.streamError(f.stream, s, "HEADERS after a message or twice");
        }
        s.headersSeen = true;
        return s.handler.onHeaders(decodeHeaders(f.payload));
      case FrameType.MESSAGE:
        if (s.parts !== undefined || s.skipping !== undefined) {
          return this.streamError(f.stream, s, "MESSAGE inside a message in parts");
        }
        return this.onWholeMessage(f.stream, s, f.payload, f.flags);
      case FrameType.MESSAGE_START: {
        if (s.parts !== undefined || s.skipping !== undefined) {
          return this.streamError(f.stream, s, "MESSAGE_START inside a message in parts");
        }
        const [total, at] = readVarint(f.payload, 0);
        const first = f.payload.subarray(at);
        if (total > this.limits.maxMessageSize) {
          s.handler.onTerminated(
            Code.ResourceExhausted,
            `response message of ${total} bytes over the limit of ${this.limits.maxMessageSize}`,
            false,
          );
          this.cancel(f.stream, Code.ResourceExhausted, "message over max_message_size");
          return;
        }
        if (first.length > total) {
          return this.streamError(f.stream, s, "MESSAGE_START longer than its total_length");
        }
        s.parts = [first.slice()];
        s.total = total;
        s.received = first.length;
        s.headersSeen = true;
        return this.maybeJoined(f.stream, s, f.flags);
      }
      case FrameType.MESSAGE_PART:
        if (s.parts === undefined) {
          return this.streamError(f.stream, s, "MESSAGE_PART without MESSAGE_START");
        }
        if (s.received! + f.payload.length > s.total!) {
          return this.streamError(f.stream, s, "MESSAGE_PART past the message's total_length");
        }
        s.parts.push(f.payload.slice());
        s.received! += f.payload.length;
        return this.maybeJoined(f.stream, s, f.flags);
      case FrameType.CREDIT: {
        const [n] = readVarint(f.payload, 0);
        if (n === 0) {
          throw new ProtocolError("CREDIT of 0");
        }
        return s.handler.onCredit(n);
      }
      case FrameType.STATUS:
        this.streams.delete(f.stream);
        this.wakeSlotWaiter();
        s.handler.onStatus(decodeStatus(f.payload));
        this.maybeFinishDrain();
        return;
      default:
        throw new ProtocolError(`unexpected frame type 0x${f.type.toString(16)}`);
    }
  }

  private maybeJoined(id: number, s: StreamState, flags: number): void {
    if (s.received! < s.total!) {
      return;
    }
    const whole = new Uint8Array(s.total!);
    let at = 0;
    for (const p of s.parts!) {
      whole.set(p, at);
      at += p.length;
    }
    s.parts = undefined;
    s.total = undefined;
    s.received = undefined;
    this.onWholeMessage(id, s, whole, flags);
  }

  private onWholeMessage(id: number, s: StreamState, bytes: Uint8Array, flags: number): void {
    if ((flags & COMPRESSED) !== 0) {
      return this.streamError(id, s, "compressed message, but this client announced no encoding", Code.Internal);
    }
    if (bytes.length > this.limits.maxMessageSize) {
      s.handler.onTerminated(
        Code.ResourceExhausted,
        `response message of ${bytes.length} bytes over the limit of ${this.limits.maxMessageSize}`,
        false,
      );
      this.cancel(id, Code.ResourceExhausted, "message over max_message_size");
      return;
    }
    s.messageSeen = true;
    s.headersSeen = true;
    s.handler.onMessage(bytes);
  }

  /** A stream error found here: the call ends with INTERNAL and the server hears CANCEL. */
  private streamError(id: number, s: StreamState, why: string, code: Code = Code.Internal): void {
    s.handler.onTerminated(code, `protocol violation by the server: ${why}`, false);
    this.cancel(id, code, why);
  }

  /** A connection error: GOAWAY to the server, then close; open calls end. */
  private connectionError(why: string): void {
    if (this.closed) {
      return;
    }
    this.out.push(encodeFrame(FrameType.GOAWAY, 0, 0, encodeGoAway(this.lastId, Code.Internal, why)));
    this.flush();
    this.onLinkClosed(`protocol violation by the server: ${why}`, Code.Internal);
    this.link.close();
  }

  /**
   * Frames can no longer be sent, but answers to those sent may still arrive: calls that may have
   * reached the server stay for them (the link closes within a bound, ending those that get none),
   * new calls go elsewhere. A call whose CALL_START was never sent (the link's unsent frames, or
   * frames not handed to it yet) ends at once as never processed, so that it is safe to retry.
   */
  private onSendFailed(reason: string, unsent: Uint8Array[]): void {
    const neverSent = new Set<number>();
    for (const bytes of [...unsent, ...this.out]) {
      const frame = decodeFrame(bytes);
      const frames =
        frame.type === FrameType.BATCH ? unbatch(frame.payload).map(decodeFrame) : [frame];
      for (const f of frames) {
        if (f.type === FrameType.CALL_START) {
          neverSent.add(f.stream);
        }
      }
    }
    this.out = []; // the link can send nothing more
    this.goAway();
    for (const id of neverSent) {
      const s = this.streams.get(id);
      if (s !== undefined) {
        this.streams.delete(id);
        s.handler.onTerminated(Code.Unavailable, `${reason} (the call was never sent)`, true);
      }
    }
    this.wakeSlotWaiter();
    this.maybeFinishDrain();
  }

  private onLinkClosed(reason: string, code: Code = Code.Unavailable): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.closeReason = reason;
    this.goAway();
    for (const [, reject] of this.readyWaiters.splice(0)) {
      reject(reason);
    }
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) {
      s.handler.onTerminated(code, `connection lost: ${reason}`, false);
    }
    for (const l of this.closeListeners.splice(0)) {
      l();
    }
  }

  private goAway(): void {
    if (!this.draining) {
      this.draining = true;
      this.wakeSlotWaiter(); // waiting calls go to the next connection
      for (const l of this.goneListeners.splice(0)) {
        l();
      }
    }
  }

  /** A draining connection with no calls left is closed. */
  private maybeFinishDrain(): void {
    if (this.draining && !this.closed && this.streams.size === 0) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flush();
        this.close("drained after GOAWAY");
      });
    }
  }
}
