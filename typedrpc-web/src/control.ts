// The protobuf payloads of the control frames (docs/PROTOCOL.md, "Frame types"), written and read with
// @bufbuild/protobuf's wire encoding. Unknown fields are skipped, so peers can add fields compatibly.

import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ProtocolError } from "./frames.js";

/** One metadata entry: a lower-case key and its value (text keys carry ASCII, `-bin` keys bytes). */
export interface Entry {
  readonly key: string;
  readonly value: Uint8Array;
}

/** A service one side announces in SETTINGS. */
export interface ServiceInfo {
  readonly name: string;
  readonly version: number;
  readonly fingerprint: string;
}

/** The SETTINGS payload. Absent numbers are 0. */
export interface Settings {
  protocolVersion: number;
  maxFrameSize: number;
  maxMessageSize: number;
  maxMetadataSize: number;
  maxConcurrentStreams: number;
  services: ServiceInfo[];
  readsBatches: boolean;
  acceptEncoding: string[];
}

/** The STATUS payload. */
export interface StatusPayload {
  readonly code: number;
  readonly message: string;
  readonly trailers: Entry[];
}

/** The GOAWAY payload. */
export interface GoAway {
  readonly lastStreamId: number;
  readonly code: number;
  readonly message: string;
}

/** Reads a control payload field by field; a payload that does not decode is a protocol error. */
function read(payload: Uint8Array, what: string, field: (no: number, r: BinaryReader) => boolean): void {
  const r = new BinaryReader(payload);
  try {
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      if (!field(no, r)) {
        r.skip(type, no);
      }
    }
  } catch (e) {
    if (e instanceof ProtocolError) {
      throw e;
    }
    throw new ProtocolError(`${what} payload does not decode: ${String(e)}`);
  }
}

function readEntry(bytes: Uint8Array): Entry {
  let key = "";
  let value: Uint8Array = new Uint8Array(0);
  read(bytes, "metadata entry", (no, r) => {
    if (no === 1) {
      key = r.string();
    } else if (no === 2) {
      value = r.bytes();
    } else {
      return false;
    }
    return true;
  });
  return { key, value };
}

function writeEntries(w: BinaryWriter, field: number, entries: readonly Entry[]): void {
  for (const e of entries) {
    w.tag(field, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string(e.key);
    w.tag(2, WireType.LengthDelimited).bytes(e.value);
    w.join();
  }
}

export function encodeSettings(s: Settings): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(s.protocolVersion);
  w.tag(2, WireType.Varint).uint32(s.maxFrameSize);
  w.tag(3, WireType.Varint).uint32(s.maxMessageSize);
  w.tag(4, WireType.Varint).uint32(s.maxMetadataSize);
  if (s.maxConcurrentStreams > 0) {
    w.tag(5, WireType.Varint).uint32(s.maxConcurrentStreams);
  }
  for (const v of s.services) {
    w.tag(6, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string(v.name);
    w.tag(2, WireType.Varint).uint32(v.version);
    if (v.fingerprint !== "") {
      w.tag(3, WireType.LengthDelimited).string(v.fingerprint);
    }
    w.join();
  }
  if (s.readsBatches) {
    w.tag(7, WireType.Varint).uint32(1);
  }
  for (const e of s.acceptEncoding) {
    w.tag(8, WireType.LengthDelimited).string(e);
  }
  return w.finish();
}

export function decodeSettings(payload: Uint8Array): Settings {
  const s: Settings = {
    protocolVersion: 0,
    maxFrameSize: 0,
    maxMessageSize: 0,
    maxMetadataSize: 0,
    maxConcurrentStreams: 0,
    services: [],
    readsBatches: false,
    acceptEncoding: [],
  };
  read(payload, "SETTINGS", (no, r) => {
    switch (no) {
      case 1:
        s.protocolVersion = r.uint32();
        return true;
      case 2:
        s.maxFrameSize = r.uint32();
        return true;
      case 3:
        s.maxMessageSize = r.uint32();
        return true;
      case 4:
        s.maxMetadataSize = r.uint32();
        return true;
      case 5:
        s.maxConcurrentStreams = r.uint32();
        return true;
      case 6: {
        let name = "";
        let version = 0;
        let fingerprint = "";
        read(r.bytes(), "ServiceInfo", (f, sr) => {
          if (f === 1) {
            name = sr.string();
          } else if (f === 2) {
            version = sr.uint32();
          } else if (f === 3) {
            fingerprint = sr.string();
          } else {
            return false;
          }
          return true;
        });
        s.services.push({ name, version, fingerprint });
        return true;
      }
      case 7:
        s.readsBatches = r.uint32() === 1;
        return true;
      case 8:
        s.acceptEncoding.push(r.string());
        return true;
      default:
        return false;
    }
  });
  return s;
}

export function encodeCallStart(
  method: string,
  timeoutMicros: number | undefined,
  metadata: readonly Entry[],
  initialCredit: number,
): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string(method);
  if (timeoutMicros !== undefined) {
    w.tag(2, WireType.Varint).uint64(Math.max(0, Math.floor(timeoutMicros)));
  }
  writeEntries(w, 3, metadata);
  w.tag(4, WireType.Varint).uint32(initialCredit);
  return w.finish();
}

/** The metadata of a HEADERS payload. */
export function decodeHeaders(payload: Uint8Array): Entry[] {
  const entries: Entry[] = [];
  read(payload, "HEADERS", (no, r) => {
    if (no !== 3) {
      return false;
    }
    entries.push(readEntry(r.bytes()));
    return true;
  });
  return entries;
}

export function decodeStatus(payload: Uint8Array): StatusPayload {
  let code = 0;
  let message = "";
  const trailers: Entry[] = [];
  read(payload, "STATUS", (no, r) => {
    if (no === 1) {
      code = r.uint32();
    } else if (no === 2) {
      message = r.string();
    } else if (no === 3) {
      trailers.push(readEntry(r.bytes()));
    } else {
      return false;
    }
    return true;
  });
  return { code, message, trailers };
}

export function encodeCancel(code: number, message: string): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(code);
  if (message !== "") {
    w.tag(2, WireType.LengthDelimited).string(message);
  }
  return w.finish();
}

export function encodeGoAway(lastStreamId: number, code: number, message: string): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(lastStreamId);
  w.tag(2, WireType.Varint).uint32(code);
  w.tag(3, WireType.LengthDelimited).string(message);
  return w.finish();
}

export function decodeGoAway(payload: Uint8Array): GoAway {
  let lastStreamId = 0;
  let code = 0;
  let message = "";
  read(payload, "GOAWAY", (no, r) => {
    if (no === 1) {
      lastStreamId = r.uint32();
    } else if (no === 2) {
      code = r.uint32();
    } else if (no === 3) {
      message = r.string();
    } else {
      return false;
    }
    return true;
  });
  return { lastStreamId, code, message };
}
