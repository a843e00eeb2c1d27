// Presence on the page: a member appears online, typing while they type, away while their tab is hidden, and
// leaves the list when their page closes.
import { launch, post, run, screenshot, signedIn, waitForMember } from "./browser.mjs";

await run(async () => {
  const browser = await launch();
  try {
    const ana = await signedIn(browser.context, "ana", "presence");
    const bob = await signedIn(browser.context, "bob", "presence");
    await waitForMember(ana, "bob", "online");
    await waitForMember(bob, "ana", "online");

    await ana.fill("#text", "I am writi");
    await waitForMember(bob, "ana", "typing");
    await bob.waitForFunction(() => document.querySelector("#typing").textContent === "ana is typing…");
    await screenshot(bob, "presence-typing");
    await post(ana, "I am writing");
    await waitForMember(bob, "ana", "online");
    await bob.waitForFunction(() => document.querySelector("#typing").textContent === "");

    // the tab goes to the background (as a browser reports it: visibilityState and its event)
    await ana.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await waitForMember(bob, "ana", "away");
    await screenshot(bob, "presence-away");
    await ana.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await waitForMember(bob, "ana", "online");

    await ana.close();
    await waitForMember(bob, "ana", null);
    await screenshot(bob, "presence-left");
  } finally {
    await browser.close();
  }
});
