package dev.typedrpc.web.absent;

import dev.typedrpc.annotations.RpcService;

/** Compiled (so its .proto is written) but never served: calls to it fail with UNIMPLEMENTED. */
@RpcService(name = "webtest.absent.AbsentService")
public interface AbsentService {
  Pong ping(Ping ping);

  /** A request. */
  record Ping(String text) {}

  /** A response. */
  record Pong(String text) {}
}
