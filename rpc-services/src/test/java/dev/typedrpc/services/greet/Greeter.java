package dev.typedrpc.services.greet;

import dev.typedrpc.annotations.RpcService;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A small service whose schema reflection serves: nested types, a map, a well-known type. */
@RpcService(name = "test.greet.Greeter")
public interface Greeter {
  /** A greeting request. */
  record HelloRequest(String name, int times, Mood mood) {}

  /** How to greet. */
  enum Mood {
    CALM,
    EXCITED
  }

  /** The greeting. */
  record HelloReply(String message, List<String> parts, Map<String, Integer> counts, Instant at) {}

  HelloReply greet(HelloRequest request);

  long count();
}
