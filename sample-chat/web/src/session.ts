// One user's session with the chat server: sign-in (the dev sign-in the terminal client uses), the room
// joined, its live feed (the resumable `subscribe`, from `join`'s position) and its presence, each kept open
// across lost connections and server restarts.

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import type { TypedrpcTransport } from "@typedrpc/web";
import {
  Activity,
  ChatService,
  type ChatMessage,
  type PresenceUpdate,
  type RoomUpdate,
  type Welcome,
} from "./gen/typedrpc.chat.ChatService_pb.js";
import { SignInService } from "./gen/typedrpc.chat.SignInService_pb.js";
import type { PingCall } from "./latency.js";

/** What the session tells the page. */
export interface SessionEvents {
  /** The room was (re)entered: everything shown before is replaced by this. */
  welcome(welcome: Welcome): void;
  /** An event of the room's feed, in order. */
  update(update: RoomUpdate): void;
  /** A change to who is in the room. */
  presence(update: PresenceUpdate): void;
  /** Whether the feed is live, or being reconnected after an error (with its message). */
  state(state: "live" | "reconnecting", reason?: string): void;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;

export class ChatSession {
  private readonly chat: Client<typeof ChatService>;
  private readonly signIn: Client<typeof SignInService>;
  private token = "";
  private signingIn: Promise<void> | undefined;
  private room = "";
  private roomCalls = new AbortController();

  constructor(
    readonly transport: TypedrpcTransport,
    readonly user: string,
    private readonly events: SessionEvents,
  ) {
    this.chat = createClient(ChatService, transport);
    this.signIn = createClient(SignInService, transport);
  }

  /** Signs in: a token for the name, as `chat client --name` gets one from a dev-mode server. */
  async start(): Promise<void> {
    await this.renewToken();
  }

  /** Leaves the room the session is in, if any, and enters `room`. */
  async enter(room: string): Promise<void> {
    const previous = this.room;
    this.roomCalls.abort();
    this.roomCalls = new AbortController();
    this.room = room;
    if (previous && previous !== room) {
      this.chat.leave({ room: previous, user: this.user }, this.options()).catch(() => {});
    }
    const welcome = await this.join();
    const signal = this.roomCalls.signal;
    void this.follow(room, welcome.position, signal);
    void this.watchPresence(room, signal);
  }

  /** Posts `text` to the room. */
  async post(text: string): Promise<void> {
    await this.chat.post({ room: this.room, user: this.user, text }, this.options());
  }

  /** What the others see this user doing; failures are of no consequence (the next change sends again). */
  setActivity(activity: Activity): void {
    if (!this.room) return;
    this.chat
      .setActivity({ room: this.room, user: this.user, activity }, this.options())
      .catch(() => {});
  }

  /** The latency probe's bidirectional call, with the session's credentials (see latency.ts). */
  readonly ping: PingCall = (pings, signal) => this.chat.ping(pings, this.options(signal));

  /** Signs in again under the same name (the server no longer knows the token: it restarted). */
  signInAgain(): Promise<void> {
    return this.renewToken();
  }

  private options(signal?: AbortSignal, headers: Record<string, string> = {}) {
    return { headers: { ...headers, authorization: `Bearer ${this.token}` }, signal };
  }

  private renewToken(): Promise<void> {
    // the feed and the presence call may both find the token gone (a restarted server): one sign-in
    this.signingIn ??= this.signIn
      .signIn({ user: this.user })
      .then((answer) => {
        this.token = answer.value;
      })
      .finally(() => {
        this.signingIn = undefined;
      });
    return this.signingIn;
  }

  /** Joins the session's room (signing in again if the server no longer knows the token). */
  private async join(): Promise<Welcome> {
    let welcome: Welcome;
    try {
      welcome = await this.chat.join({ room: this.room, user: this.user }, this.options());
    } catch (e) {
      if (ConnectError.from(e).code !== Code.Unauthenticated) throw e;
      await this.renewToken();
      welcome = await this.chat.join({ room: this.room, user: this.user }, this.options());
    }
    this.events.welcome(welcome);
    return welcome;
  }

  /**
   * The room's feed from `position` on. A lost connection resumes after the last event seen
   * (`typedrpc-resume-after`), so nothing is missed or repeated; a server that no longer has that position
   * (DATA_LOSS: it restarted) or no longer knows the token is joined afresh.
   */
  private async follow(room: string, position: bigint, signal: AbortSignal): Promise<void> {
    let after = position;
    let wait = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        const feed = this.chat.subscribe(
          { room, user: this.user },
          this.options(signal, { "typedrpc-resume-after": after.toString() }),
        );
        for await (const update of feed) {
          after = update.position;
          wait = RETRY_MIN_MS;
          this.events.state("live");
          this.events.update(update);
        }
      } catch (e) {
        if (signal.aborted) return;
        const error = ConnectError.from(e);
        this.events.state("reconnecting", error.message);
        await sleep(wait, signal);
        wait = Math.min(RETRY_MAX_MS, wait * 2);
        if (error.code === Code.Unauthenticated || error.code === Code.DataLoss) {
          try {
            after = (await this.join()).position;
          } catch {
            // not yet: the next round tries again
          }
        }
        continue;
      }
      // the stream ended without an error (the server went away cleanly): resume as after a failure
      if (!signal.aborted) {
        this.events.state("reconnecting", "the feed ended");
        await sleep(wait, signal);
      }
    }
  }

  /**
   * The room's presence, this user in it while the call lasts; reopened after any failure. Its first
   * message (a snapshot, sent at once) is also what tells the page that the connection is live.
   */
  private async watchPresence(room: string, signal: AbortSignal): Promise<void> {
    let wait = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        for await (const update of this.chat.presence({ room, user: this.user }, this.options(signal))) {
          wait = RETRY_MIN_MS;
          this.events.state("live");
          this.events.presence(update);
        }
      } catch (e) {
        if (signal.aborted) return;
        const error = ConnectError.from(e);
        this.events.state("reconnecting", error.message);
        if (error.code === Code.Unauthenticated) {
          await this.renewToken().catch(() => {});
        }
      }
      await sleep(wait, signal);
      wait = Math.min(RETRY_MAX_MS, wait * 2);
    }
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

export type { ChatMessage };
