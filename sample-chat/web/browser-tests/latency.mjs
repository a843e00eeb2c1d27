// The round-trip time next to the connection indicator comes from the bidirectional `ping` call over
// WebSocket: several pings up and pongs down on one call (the server counts the pings it has received on the
// call, the page the pongs it got), each shown as a time in milliseconds.
import { launch, run, screenshot, signedIn } from "./browser.mjs";

const PONGS = 4;

await run(async () => {
  const browser = await launch();
  try {
    const ana = await signedIn(browser.context, "ana", "latency");
    await ana.waitForFunction((n) => Number(document.querySelector("#latency").dataset.pongs ?? 0) >= n, PONGS);
    const shown = await ana.evaluate(() => {
      const latency = document.querySelector("#latency");
      const connection = document.querySelector("#connection");
      return {
        transport: connection.dataset.transport,
        indicator: connection.textContent,
        text: latency.textContent,
        visible: !latency.hidden,
        pongs: Number(latency.dataset.pongs),
        received: Number(latency.dataset.received),
      };
    });
    console.log(JSON.stringify(shown));
    if (shown.transport !== "websocket" || shown.indicator !== "WebSocket") {
      throw new Error(`the page is not on WebSocket: ${JSON.stringify(shown)}`);
    }
    if (!shown.visible || !/^\d+(\.\d)? ms$/.test(shown.text)) {
      throw new Error(`no round-trip time shown next to the transport: ${JSON.stringify(shown)}`);
    }
    // one call carried them all: the server's count of pings on the call is the page's count of pongs
    if (shown.pongs < PONGS || shown.received !== shown.pongs) {
      throw new Error(`expected ${PONGS}+ pongs on one call, each ping received by the server: ${JSON.stringify(shown)}`);
    }
    await screenshot(ana, "latency-websocket");
  } finally {
    await browser.close();
  }
});
