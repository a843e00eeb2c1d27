// What the browser tests share: Debian's Chromium driven by playwright-core (never a downloaded browser), pages
// signed in to the chat, screenshots, and lines to and from the JUnit test that runs each script.

import { chromium } from "playwright-core";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const CHAT_URL = required("CHAT_URL");
export const SCREENSHOTS = required("SCREENSHOTS");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// every step waits at most this long (a loaded machine is slow, never this slow)
export const STEP_MS = 20_000;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Chromium with a fresh profile; the flags keep it off the network this machine does not have. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "chat-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 640 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context.setDefaultTimeout(STEP_MS);
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page of the chat at `url`, signed in as `name` and in `room`. */
export async function signedIn(context, name, room = "lobby", url = CHAT_URL) {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`[${name}] page error: ${e.message}`));
  await page.goto(url);
  await page.fill("#name", name);
  await page.fill("#first-room", room);
  await page.click("#sign-in button");
  await page.waitForSelector("body.signed-in");
  await page.waitForSelector('#connection[data-state="live"]');
  return page;
}

/** Posts `text` from `page`. */
export async function post(page, text) {
  await page.fill("#text", text);
  await page.click("#composer button");
  await page.waitForFunction(() => document.querySelector("#text").value === "");
}

/** The texts of the messages `page` shows, in order, as "user: text". */
export function messages(page) {
  return page.$$eval("#messages .message", (items) =>
    items.map((li) => `${li.querySelector(".user").textContent}: ${li.querySelector(".text").textContent}`),
  );
}

/** Waits until `page` shows `count` messages. */
export async function waitForMessages(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll("#messages .message").length >= n, count);
}

/** Waits until `page` lists `user` with `activity` ("online", "away", "typing"), or not at all (null). */
export async function waitForMember(page, user, activity) {
  await page.waitForFunction(
    ([u, a]) => {
      const li = document.querySelector(`#members li[data-user="${u}"]`);
      return a === null ? li === null : li !== null && li.dataset.activity === a;
    },
    [user, activity],
  );
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Tells the JUnit test something (a line on stdout, `@@ what`). */
export function tell(what) {
  console.log(`@@ ${what}`);
}

const lines = createInterface({ input: process.stdin });
const heard = [];
const waiting = [];
lines.on("line", (line) => {
  const w = waiting.shift();
  if (w) w(line);
  else heard.push(line);
});

/** The next line the JUnit test writes to stdin. */
export function hear() {
  if (heard.length > 0) return Promise.resolve(heard.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

/** Runs `body`, then exits: 0 if it returned, 1 (with the error) if it threw or took over `ms`. */
export async function run(body, ms = 50_000) {
  const guard = setTimeout(() => {
    console.error(`the script took over ${ms} ms`);
    process.exit(1);
  }, ms);
  try {
    await body();
    clearTimeout(guard);
    process.exit(0);
  } catch (e) {
    console.error(e?.stack ?? e);
    process.exit(1);
  }
}
