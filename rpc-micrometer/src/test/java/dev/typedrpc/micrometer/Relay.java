package dev.typedrpc.micrometer;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.Flow;

/** A service for the tests: answers, fails, streams. */
@RpcService(name = "typedrpc.test.Relay")
public interface Relay {
  /** Answers with the text, or, when the relay forwards, with what the next hop answered. */
  String hop(String text);

  /** Fails with INVALID_ARGUMENT naming the text. */
  String fail(String text);

  /** Answers each line with one, prefixed. */
  Flow.Publisher<String> chat(Flow.Publisher<String> lines);
}
