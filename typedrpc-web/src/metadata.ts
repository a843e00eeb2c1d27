// Request headers to CALL_START metadata, and HEADERS / STATUS metadata to response headers and
// trailers. Keys ending in -bin carry bytes (base64 in a Headers object, as Connect-ES and gRPC-Web
// write them); keys the transport owns are neither sent nor handed to the application.

import { decodeBinaryHeader, encodeBinaryHeader } from "@connectrpc/connect";
import type { Entry } from "./control.js";

const RESERVED = new Set([
  "content-type",
  "te",
  "content-length",
  "connection",
  "host",
  "grpc-timeout",
  "grpc-status",
  "grpc-message",
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether a key belongs to the transport rather than the application. */
export function isReserved(key: string): boolean {
  return RESERVED.has(key) || key.startsWith(":");
}

/** The metadata entries of request headers (reserved keys left out). */
export function headersToEntries(headers: Headers): Entry[] {
  const entries: Entry[] = [];
  headers.forEach((value, key) => {
    const k = key.toLowerCase();
    if (isReserved(k)) {
      return;
    }
    if (k.endsWith("-bin")) {
      // a Headers object joins repeated values with ", ": each is its own base64 value
      for (const part of value.split(",")) {
        entries.push({ key: k, value: decodeBinaryHeader(part.trim()) });
      }
    } else {
      entries.push({ key: k, value: encoder.encode(value) });
    }
  });
  return entries;
}

/** Appends metadata entries to a Headers object (reserved keys and unusable values left out). */
export function appendEntries(target: Headers, entries: readonly Entry[]): void {
  for (const e of entries) {
    if (isReserved(e.key)) {
      continue;
    }
    try {
      target.append(
        e.key,
        e.key.endsWith("-bin") ? encodeBinaryHeader(e.value) : decoder.decode(e.value),
      );
    } catch {
      // a key or value a Headers object refuses: left out, as a browser would drop it
    }
  }
}

/** Bytes a metadata block takes on the wire, roughly (key and value lengths). */
export function metadataSize(entries: readonly Entry[]): number {
  let size = 0;
  for (const e of entries) {
    size += e.key.length + e.value.length;
  }
  return size;
}
