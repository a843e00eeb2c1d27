// Two pages and the JUnit test's Java client in one room: every message reaches everyone, in one order.
import { launch, messages, post, run, screenshot, signedIn, tell, hear, waitForMessages } from "./browser.mjs";

await run(async () => {
  const browser = await launch();
  try {
    const ana = await signedIn(browser.context, "ana");
    const bob = await signedIn(browser.context, "bob");
    tell("joined"); // the Java client posts once both pages are in
    await Promise.all([post(ana, "hi, it is ana"), post(bob, "bob here")]);
    await Promise.all([post(ana, "how are you?"), post(bob, "fine")]);
    await hear(); // the Java client posted
    await waitForMessages(ana, 5);
    await waitForMessages(bob, 5);
    const seenByAna = await messages(ana);
    const seenByBob = await messages(bob);
    await screenshot(ana, "messages-ana");
    await screenshot(bob, "messages-bob");
    tell(`ana ${JSON.stringify(seenByAna)}`);
    tell(`bob ${JSON.stringify(seenByBob)}`);
  } finally {
    await browser.close();
  }
});
