// The connection's round-trip time, measured by the chat's bidirectional `ping` call: one `Ping` every
// couple of seconds on a call that stays open, each answered by a `Pong` of the same sequence. The time from
// handing a ping to the transport to reading its pong is what the page shows next to the transport's name.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { PingSchema, Pong } from "./gen/typedrpc.chat.ChatService_pb.js";

type PingInit = MessageInitShape<typeof PingSchema>;

export const PING_INTERVAL_MS = 2000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
// pings whose pong has not come are forgotten once this many newer ones were sent
const UNANSWERED_KEPT = 16;

/** Opens the bidirectional `ping` call (the session adds the credentials). */
export type PingCall = (pings: AsyncIterable<PingInit>, signal: AbortSignal) => AsyncIterable<Pong>;

/** What the probe tells: each round trip in milliseconds, with the pong; or that the call failed. */
export interface LatencyEvents {
  roundTrip(ms: number, pong: Pong): void;
  lost(error: ConnectError): void;
  /** The server no longer knows the session's token (it restarted). */
  unauthenticated(): Promise<void>;
}

/** Keeps a `ping` call open until `signal` aborts, reopening it after a failure. */
export async function probeLatency(call: PingCall, signal: AbortSignal, events: LatencyEvents): Promise<void> {
  let wait = RETRY_MIN_MS;
  while (!signal.aborted) {
    const sent = new Map<number, number>();
    try {
      for await (const pong of call(pings(sent, signal), signal)) {
        const at = sent.get(pong.sequence);
        sent.delete(pong.sequence);
        if (at === undefined) continue;
        wait = RETRY_MIN_MS;
        events.roundTrip(performance.now() - at, pong);
      }
    } catch (e) {
      if (signal.aborted) return;
      const error = ConnectError.from(e);
      events.lost(error);
      if (error.code === Code.Unauthenticated) await events.unauthenticated().catch(() => {});
    }
    await sleep(wait, signal);
    wait = Math.min(RETRY_MAX_MS, wait * 2);
  }
}

/** A ping now, then one every PING_INTERVAL_MS, each noted with the time it was handed to the transport. */
async function* pings(sent: Map<number, number>, signal: AbortSignal): AsyncGenerator<PingInit> {
  for (let sequence = 1; !signal.aborted; sequence++) {
    sent.delete(sequence - UNANSWERED_KEPT);
    sent.set(sequence, performance.now());
    yield { sequence };
    await sleep(PING_INTERVAL_MS, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
