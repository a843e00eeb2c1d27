// The frame layout of the typedrpc frame protocol (docs/PROTOCOL.md): type, flags, stream id as a
// varint, payload; BATCH frames; varints.

/** Frame types. */
export const FrameType = {
  SETTINGS: 0x01,
  CALL_START: 0x02,
  HEADERS: 0x03,
  MESSAGE: 0x04,
  MESSAGE_START: 0x05,
  MESSAGE_PART: 0x06,
  CREDIT: 0x07,
  HALF_CLOSE: 0x08,
  CANCEL: 0x09,
  STATUS: 0x0a,
  PING: 0x0b,
  PONG: 0x0c,
  GOAWAY: 0x0d,
  BATCH: 0x0e,
} as const;

/** Flag bit 0: the client sends nothing more on this stream. */
export const END_STREAM = 0x01;
/** Flag bit 1: the message is compressed. */
export const COMPRESSED = 0x02;

/** Most bytes a frame header takes: type, flags, a five-byte varint. */
export const MAX_HEADER = 7;

/** A decoded frame; the payload is a view into the received bytes. */
export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Uint8Array;
}

/** A violation of the protocol by the peer: the connection ends. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** Bytes a varint of `value` (an unsigned 32-bit number) takes. */
export function varintSize(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` as a varint at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

/** Reads an unsigned 32-bit varint at `offset`: [value, offset after it]. */
export function readVarint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (offset >= bytes.length) {
      throw new ProtocolError("truncated varint");
    }
    const b = bytes[offset++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) {
        throw new ProtocolError("varint over 32 bits");
      }
      return [value, offset];
    }
    shift += 7;
  }
  throw new ProtocolError("varint over 32 bits");
}

/** A payload that is one varint (CREDIT, the length at the start of MESSAGE_START). */
export function varintPayload(value: number): Uint8Array {
  const out = new Uint8Array(varintSize(value));
  writeVarint(out, 0, value);
  return out;
}

/** Encodes one frame. */
export function encodeFrame(
  type: number,
  flags: number,
  stream: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const out = new Uint8Array(2 + varintSize(stream) + payload.length);
  out[0] = type;
  out[1] = flags;
  const at = writeVarint(out, 2, stream);
  out.set(payload, at);
  return out;
}

/** Decodes one frame, checking what can be checked without the connection's state. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 3) {
    throw new ProtocolError(`frame of ${bytes.length} bytes is shorter than its header`);
  }
  const type = bytes[0]!;
  const flags = bytes[1]!;
  if (type < FrameType.SETTINGS || type > FrameType.BATCH) {
    throw new ProtocolError(`unknown frame type 0x${type.toString(16)}`);
  }
  if ((flags & ~(END_STREAM | COMPRESSED)) !== 0) {
    throw new ProtocolError(`unknown flag bits 0x${flags.toString(16)}`);
  }
  if (
    (flags & COMPRESSED) !== 0 &&
    type !== FrameType.MESSAGE &&
    type !== FrameType.MESSAGE_START
  ) {
    throw new ProtocolError(`COMPRESSED flag on frame type 0x${type.toString(16)}`);
  }
  const [stream, at] = readVarint(bytes, 2);
  if (stream > 0x7fffffff) {
    throw new ProtocolError(`stream id ${stream} above 2^31-1`);
  }
  return { type, flags, stream, payload: bytes.subarray(at) };
}

/** The frames inside a BATCH payload, in order. */
export function unbatch(payload: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < payload.length) {
    const [length, next] = readVarint(payload, at);
    if (length === 0 || next + length > payload.length) {
      throw new ProtocolError("malformed BATCH: a frame length runs past its end");
    }
    frames.push(payload.subarray(next, next + length));
    at = next + length;
  }
  if (frames.length === 0) {
    throw new ProtocolError("empty BATCH");
  }
  return frames;
}

/** Packs two or more encoded frames into one BATCH frame. */
export function batch(frames: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const f of frames) {
    size += varintSize(f.length) + f.length;
  }
  const payload = new Uint8Array(size);
  let at = 0;
  for (const f of frames) {
    at = writeVarint(payload, at, f.length);
    payload.set(f, at);
    at += f.length;
  }
  return encodeFrame(FrameType.BATCH, 0, 0, payload);
}

/** Bytes `frames` take once batched. */
export function batchSize(frames: readonly Uint8Array[]): number {
  let size = 3;
  for (const f of frames) {
    size += varintSize(f.length) + f.length;
  }
  return size;
}
