package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input from one peer fails that stream or that connection with a precise status, while the
 * server keeps serving a well-behaved client on another connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedFramesIT {
  private static final String GREET = ItServiceRpc.GREET.fullName();

  private RpcServer server;
  private RpcChannel goodChannel;
  private ItService good;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(ItServiceRpc.bind(new ItServiceImpl()))
            .build()
            .start();
    goodChannel = RpcChannel.connect(server.address());
    good = goodChannel.stub(ItService.class);
    assertGoodClientServed();
  }

  @AfterEach
  void stop() {
    goodChannel.close();
    server.close();
  }

  private void assertGoodClientServed() {
    assertThat(good.greet(new Greeting("good", 1, List.of())).text()).startsWith("hello good");
  }

  @Test
  void undecodableRequestFailsOnlyThatStream() throws Exception {
    try (RawFrames raw = new RawFrames(server.address())) {
      raw.callStart(1, GREET);
      // field 1 declared as wire type 7, which does not exist
      raw.send(RawFrames.MESSAGE, RawFrames.END_STREAM, 1, new byte[] {0x0f, 0x00});
      RawFrames.Frame status = raw.next(RawFrames.STATUS);
      assertThat(status.streamId()).isEqualTo(1);
      assertThat(RawFrames.status(status).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);

      // the same connection still serves a valid call
      raw.callStart(3, GREET);
      raw.send(RawFrames.MESSAGE, RawFrames.END_STREAM, 3, new byte[] {0x0a, 0x02, 'o', 'k'});
      RawFrames.Frame ok = raw.next(RawFrames.STATUS);
      assertThat(ok.streamId()).isEqualTo(3);
      assertThat(RawFrames.status(ok).code()).isEqualTo(Status.Code.OK);
    }
    assertGoodClientServed();
  }

  @Test
  void unknownMethodOnARawConnectionIsUnimplemented() throws Exception {
    try (RawFrames raw = new RawFrames(server.address())) {
      raw.callStart(1, "typedrpc.it.ItService/Nope");
      assertThat(RawFrames.status(raw.next(RawFrames.STATUS)).code())
          .isEqualTo(Status.Code.UNIMPLEMENTED);
    }
    assertGoodClientServed();
  }

  @Test
  void unknownFrameTypeEndsThatConnectionWithGoAway() throws Exception {
    try (RawFrames raw = new RawFrames(server.address())) {
      raw.send((byte) 0x6e, 0, 0, new byte[0]);
      Status goAway = RawFrames.status(raw.next(RawFrames.GOAWAY));
      assertThat(goAway.code()).isEqualTo(Status.Code.INTERNAL);
      assertThat(goAway.description()).contains("unknown frame type");
      raw.closed.get(10, TimeUnit.SECONDS);
    }
    assertGoodClientServed();
  }

  @Test
  void reusedStreamIdEndsThatConnection() throws Exception {
    try (RawFrames raw = new RawFrames(server.address())) {
      raw.callStart(7, GREET);
      raw.callStart(7, GREET);
      assertThat(RawFrames.status(raw.next(RawFrames.GOAWAY)).description())
          .contains("ids must increase");
      raw.closed.get(10, TimeUnit.SECONDS);
    }
    assertGoodClientServed();
  }

  @Test
  void garbageBytesEndThatConnection() throws Exception {
    try (RawFrames raw = new RawFrames(server.address())) {
      raw.send(RawFrames.MESSAGE, 0xff, 0x7fffffff, new byte[] {1, 2, 3});
      assertThat(RawFrames.status(raw.next(RawFrames.GOAWAY)).code())
          .isEqualTo(Status.Code.INTERNAL);
      raw.closed.get(10, TimeUnit.SECONDS);
    }
    assertGoodClientServed();
  }

  @Test
  void aPeerThatReadsBatchesGetsACallsResponsesInOneWebSocketMessage() throws Exception {
    // the implementation runs on the connection's thread, so its response and status are written
    // before the
    // flush at the end of the read (with a thread pool they may be flushed apart, each as a lone
    // frame)
    RpcServer direct =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(ItServiceRpc.bind(new ItServiceImpl()))
            .executor(Runnable::run)
            .build()
            .start();
    try (direct;
        RawFrames raw = new RawFrames(direct.address(), true)) {
      raw.sendMessage(
          RawFrames.batch(
              RawFrames.callStartFrame(1, GREET),
              RawFrames.frame(
                  RawFrames.MESSAGE, RawFrames.END_STREAM, 1, new byte[] {0x0a, 0x02, 'o', 'k'})));
      List<RawFrames.Frame> frames = RawFrames.unpack(raw.next(RawFrames.BATCH));
      assertThat(frames)
          .extracting(RawFrames.Frame::type)
          .containsExactly(RawFrames.MESSAGE, RawFrames.STATUS);
      assertThat(frames).extracting(RawFrames.Frame::streamId).containsOnly(1);
      assertThat(RawFrames.status(frames.get(1)).code()).isEqualTo(Status.Code.OK);
    }
    assertGoodClientServed();
  }

  @Test
  void aBatchWhoseFrameRunsPastItsEndEndsThatConnectionWithGoAway() throws Exception {
    try (RawFrames raw = new RawFrames(server.address(), true)) {
      byte[] batch = RawFrames.batch(RawFrames.callStartFrame(1, GREET));
      batch[3] += 5; // the frame's length now claims 5 bytes more than the batch holds
      raw.sendMessage(batch);
      Status goAway = RawFrames.status(raw.next(RawFrames.GOAWAY));
      assertThat(goAway.code()).isEqualTo(Status.Code.INTERNAL);
      assertThat(goAway.description()).contains("overruns its BATCH by 5 bytes");
      raw.closed.get(10, TimeUnit.SECONDS);
    }
    assertGoodClientServed();
  }
}
