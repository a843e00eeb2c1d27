// A proxy in front of the chat server that passes plain HTTP through (the page, SSE and its POSTs) and refuses
// every WebSocket upgrade with 403, as some corporate proxies do.
import http from "node:http";

export async function refusingWebSocket(target) {
  const to = new URL(target);
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    res.on("close", () => forward.destroy());
    req.pipe(forward);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("upgrade", (req, socket) => {
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
