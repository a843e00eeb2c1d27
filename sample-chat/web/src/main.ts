// The sample chat's page: sign in with a name, join rooms by name, read and post messages, see who is in the
// room and what they are doing, and which transport carries it all.

import { ConnectError } from "@connectrpc/connect";
import { createTypedrpcTransport } from "@typedrpc/web";
import {
  Activity,
  PresenceUpdate_Change,
  type ChatMessage,
  type PresenceUpdate,
  type RoomUpdate,
  type Welcome,
} from "./gen/typedrpc.chat.ChatService_pb.js";
import { probeLatency } from "./latency.js";
import { ChatSession } from "./session.js";

const TYPING_IDLE_MS = 3000;

function $<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const transport = createTypedrpcTransport({ baseUrl: location.origin });
let session: ChatSession | undefined;
let state: "offline" | "live" | "reconnecting" = "offline";
const members = new Map<string, Activity>();

// --- connection indicator: the transport in use, or that the page is reconnecting

function showConnection(): void {
  const el = $("connection");
  const current = transport.currentTransport;
  const shown = state === "reconnecting" ? "reconnecting" : current && state === "live" ? current : "offline";
  el.dataset.state = shown === "websocket" || shown === "sse" ? "live" : shown;
  el.dataset.transport = current ?? "";
  el.textContent =
    shown === "websocket" ? "WebSocket" : shown === "sse" ? "SSE" : shown === "reconnecting" ? "Reconnecting…" : "Offline";
  $("latency").hidden = el.dataset.state !== "live" || !$("latency").textContent;
}

// --- round-trip time, next to the transport: the latency probe (a bidirectional call kept open)

function startLatencyProbe(s: ChatSession): void {
  const el = $("latency");
  let pongs = 0;
  void probeLatency(s.ping, new AbortController().signal, {
    roundTrip(ms, pong) {
      pongs++;
      el.textContent = `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
      el.title = `round trip to the server (ping ${pong.sequence}, the server has answered ${pong.received} on this call)`;
      el.dataset.pongs = pongs.toString();
      el.dataset.received = pong.received.toString();
      showConnection();
    },
    lost() {
      el.textContent = "";
      showConnection();
    },
    unauthenticated: () => s.signInAgain(),
  });
}
setInterval(showConnection, 250);

// --- messages

function timeOf(message: ChatMessage): string {
  const at = message.at ? new Date(Number(message.at.seconds) * 1000) : new Date();
  return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function addMessage(message: ChatMessage): void {
  const li = document.createElement("li");
  li.className = "message";
  li.dataset.seq = message.sequence.toString();
  if (message.user === session?.user) li.classList.add("mine");
  const who = document.createElement("span");
  who.className = "user";
  who.textContent = message.user;
  const when = document.createElement("time");
  when.textContent = timeOf(message);
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  li.append(who, when, text);
  append(li);
}

function addNotice(text: string): void {
  const li = document.createElement("li");
  li.className = "notice";
  li.textContent = text;
  append(li);
}

function append(li: HTMLLIElement): void {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(li);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

// --- members and presence

const ACTIVITY_LABEL: Record<Activity, string> = {
  [Activity.ONLINE]: "online",
  [Activity.AWAY]: "away",
  [Activity.TYPING]: "typing…",
};

function showMembers(): void {
  const list = $("members");
  list.replaceChildren();
  for (const [user, activity] of [...members].sort(([a], [b]) => a.localeCompare(b))) {
    const li = document.createElement("li");
    li.dataset.user = user;
    li.dataset.activity = ACTIVITY_LABEL[activity].replace("…", "");
    const dot = document.createElement("span");
    dot.className = "dot";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = user === session?.user ? `${user} (you)` : user;
    const label = document.createElement("span");
    label.className = "activity";
    label.textContent = ACTIVITY_LABEL[activity];
    li.append(dot, name, label);
    list.append(li);
  }
  const typing = [...members]
    .filter(([user, activity]) => activity === Activity.TYPING && user !== session?.user)
    .map(([user]) => user);
  $("typing").textContent =
    typing.length === 0 ? "" : typing.length === 1 ? `${typing[0]} is typing…` : `${typing.join(", ")} are typing…`;
}

function applyPresence(update: PresenceUpdate): void {
  if (update.change === PresenceUpdate_Change.SNAPSHOT) members.clear();
  for (const m of update.members) {
    if (update.change === PresenceUpdate_Change.LEFT) members.delete(m.user);
    else members.set(m.user, m.activity);
  }
  showMembers();
}

// --- the session

const events = {
  welcome(welcome: Welcome): void {
    $("messages").replaceChildren();
    $("room-name").textContent = `#${welcome.room}`;
    for (const m of welcome.recent) addMessage(m);
    addNotice(`You joined #${welcome.room}. Here: ${welcome.members.join(", ")}`);
  },
  update(update: RoomUpdate): void {
    const event = update.event?.value;
    if (event?.case === "messagePosted" && event.value.message) addMessage(event.value.message);
    else if (event?.case === "memberJoined" && event.value.user !== session?.user) addNotice(`${event.value.user} joined`);
    else if (event?.case === "memberLeft" && event.value.user !== session?.user) addNotice(`${event.value.user} left`);
  },
  presence: applyPresence,
  state(next: "live" | "reconnecting", reason?: string): void {
    state = next;
    $("connection").title = reason ?? "";
    showConnection();
  },
};

function showError(e: unknown): void {
  $("error").textContent = e ? ConnectError.from(e).rawMessage : "";
}

$<HTMLFormElement>("sign-in").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = $<HTMLInputElement>("name").value.trim();
  const room = $<HTMLInputElement>("first-room").value.trim() || "lobby";
  showError(undefined);
  try {
    session = new ChatSession(transport, name, events);
    await session.start();
    await session.enter(room);
    startLatencyProbe(session);
    $("me").textContent = name;
    document.body.classList.add("signed-in");
    $<HTMLInputElement>("text").focus();
  } catch (e) {
    session = undefined;
    showError(e);
  }
});

$<HTMLFormElement>("join").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>("room");
  const room = input.value.trim();
  if (!session || !room) return;
  showError(undefined);
  try {
    members.clear();
    showMembers();
    await session.enter(room);
    input.value = "";
  } catch (e) {
    showError(e);
  }
});

// typing: TYPING while keys are pressed, back after a pause or on sending
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let typing = false;

function resting(): Activity {
  return document.visibilityState === "hidden" ? Activity.AWAY : Activity.ONLINE;
}

$<HTMLInputElement>("text").addEventListener("input", () => {
  if (!typing) {
    typing = true;
    session?.setActivity(Activity.TYPING);
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typing = false;
    session?.setActivity(resting());
  }, TYPING_IDLE_MS);
});

document.addEventListener("visibilitychange", () => {
  if (!typing) session?.setActivity(resting());
});

$<HTMLFormElement>("composer").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>("text");
  const text = input.value;
  if (!session || text.trim() === "") return;
  showError(undefined);
  try {
    await session.post(text);
    input.value = "";
    clearTimeout(typingTimer);
    typing = false;
    session.setActivity(resting());
  } catch (e) {
    showError(e);
  }
});

showConnection();
