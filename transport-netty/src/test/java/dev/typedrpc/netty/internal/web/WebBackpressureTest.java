package dev.typedrpc.netty.internal.web;

import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.envelope;
import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.proto;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.TransportSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Connect server stream to an HTTP/1.1 client that reads nothing stops at what the socket and the
 * channel's water marks hold (the implementation is asked for no more), and resumes to the end once
 * the client reads. With leak checks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebBackpressureTest {
  private static final int MESSAGES = 60_000; // 60 MB
  private final WebTestService service = new WebTestService();
  private RpcServer server;

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
  }

  @Test
  void aClientThatDoesNotReadHoldsTheStreamBackThenGetsAllOfIt() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .transportSettings(
                TransportSettings.DEFAULT
                    // the outbound watch must not close the connection: this is about demand
                    .withMaxQueuedOutboundBytes(1L << 30)
                    .withOutboundStallTimeout(Duration.ofMinutes(5)))
            .addService(service.definition())
            .build()
            .start();
    byte[] body = envelope(0, proto(Integer.toString(MESSAGES)));
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setReceiveBufferSize(64 << 10);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /web.Test/Flood HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
                  + "content-type: application/connect+proto\r\ncontent-length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      int last = -1;
      int still = 0;
      while (still < 10 && service.emitted.get() < MESSAGES) { // until it stops growing
        Thread.sleep(100);
        int now = service.emitted.get();
        still = now == last ? still + 1 : 0;
        last = now;
      }
      int held = service.emitted.get();
      System.out.println(
          "WebBackpressureTest: " + held + " of " + MESSAGES + " emitted without a read");
      assertTrue(held < MESSAGES / 3, "emitted " + held + " of " + MESSAGES + " without a read");
      InputStream in = s.getInputStream();
      String end = ""; // the last bytes read
      long total = 0;
      byte[] buf = new byte[64 << 10];
      for (int n; (n = in.read(buf)) != -1; ) {
        total += n;
        end += new String(buf, Math.max(0, n - 64), Math.min(n, 64), StandardCharsets.ISO_8859_1);
        end = end.substring(Math.max(0, end.length() - 64));
      }
      assertTrue(total > MESSAGES * 1000L, "read " + total + " bytes");
      assertTrue(end.endsWith("\u0002\u0000\u0000\u0000\u0002{}\r\n0\r\n\r\n"), end);
    }
  }
}
