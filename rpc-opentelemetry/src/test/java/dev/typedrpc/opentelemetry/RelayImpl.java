package dev.typedrpc.opentelemetry;

import dev.typedrpc.Publishers;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.concurrent.Flow;

/** Answers, or forwards each hop to the next relay while serving it. */
final class RelayImpl implements Relay {
  private final Relay next;

  /**
   * @param next where {@link #hop} forwards, or null to answer
   */
  RelayImpl(Relay next) {
    this.next = next;
  }

  @Override
  public String hop(String text) {
    return next == null ? "end:" + text : next.hop(text);
  }

  @Override
  public String fail(String text) {
    throw new RpcException(Status.INVALID_ARGUMENT.withDescription(text));
  }

  @Override
  public Flow.Publisher<String> chat(Flow.Publisher<String> lines) {
    return Publishers.map(lines, line -> "re:" + line);
  }
}
