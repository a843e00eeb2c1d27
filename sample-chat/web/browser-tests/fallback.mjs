// WebSocket refused (a proxy answers every upgrade 403): the page falls back to SSE, says so, and still sends
// and receives; a page connected directly uses WebSocket, and the two talk.
import { CHAT_URL, launch, messages, post, run, screenshot, signedIn, waitForMessages } from "./browser.mjs";
import { refusingWebSocket } from "./proxy.mjs";

await run(async () => {
  const proxy = await refusingWebSocket(CHAT_URL);
  const browser = await launch();
  try {
    const ana = await signedIn(browser.context, "ana", "fallback", proxy.url);
    const bob = await signedIn(browser.context, "bob", "fallback");
    const anaTransport = await ana.textContent("#connection");
    const bobTransport = await bob.textContent("#connection");
    if (anaTransport !== "SSE") throw new Error(`ana's indicator says ${anaTransport}, not SSE`);
    if (bobTransport !== "WebSocket") throw new Error(`bob's indicator says ${bobTransport}, not WebSocket`);
    await post(ana, "over SSE");
    await post(bob, "over WebSocket");
    await waitForMessages(ana, 2);
    await waitForMessages(bob, 2);
    const seen = [await messages(ana), await messages(bob)];
    await screenshot(ana, "fallback-sse");
    const expected = JSON.stringify(["ana: over SSE", "bob: over WebSocket"]);
    for (const s of seen) {
      if (JSON.stringify(s) !== expected) throw new Error(`saw ${JSON.stringify(s)}, expected ${expected}`);
    }
  } finally {
    await browser.close();
    proxy.close();
  }
});
