// The server restarts on the same port: the page shows it is reconnecting, then signs in again, rejoins its room
// (a restarted server has a new log and forgot its tokens) and sends and receives again.
import { hear, launch, messages, post, run, screenshot, signedIn, tell, waitForMessages } from "./browser.mjs";

await run(async () => {
  const browser = await launch();
  try {
    const ana = await signedIn(browser.context, "ana", "restart");
    await post(ana, "before the restart");
    await waitForMessages(ana, 1);
    tell("joined");
    await ana.waitForSelector('#connection[data-state="reconnecting"]');
    await screenshot(ana, "restart-reconnecting");
    tell("reconnecting");
    await hear(); // the server is up again
    await ana.waitForSelector('#connection[data-state="live"]');
    await ana.waitForFunction(() => [...document.querySelectorAll("#messages .notice")].some((n) => n.textContent.startsWith("You joined #restart")) && document.querySelectorAll("#messages .message").length === 0);
    await post(ana, "after the restart");
    await waitForMessages(ana, 1);
    const seen = await messages(ana);
    if (JSON.stringify(seen) !== JSON.stringify(["ana: after the restart"])) {
      throw new Error(`after the restart the page shows ${JSON.stringify(seen)}`);
    }
    await screenshot(ana, "restart-rejoined");
  } finally {
    await browser.close();
  }
});
