package dev.typedrpc.micrometer;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import io.micrometer.core.instrument.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records one call: its messages as they pass, its duration and message counts when it closes. The
 * runtime never runs one call's callbacks concurrently, and hands them over with a happens-before
 * edge, so plain fields do.
 */
final class CallMeter implements CallObserver {
  private final MethodMeters meters;
  private final MessageCodec<Object> requestCodec;
  private final MessageCodec<Object> responseCodec;
  private final AtomicLong inFlight;
  private final Clock clock;
  private final long startNanos;
  private int requests;
  private int responses;

  @SuppressWarnings("unchecked") // the runtime hands the observer messages of the method's types
  CallMeter(MethodMeters meters, MethodDescriptor<?, ?> method, AtomicLong inFlight, Clock clock) {
    this.meters = meters;
    this.requestCodec = (MessageCodec<Object>) method.requestCodec();
    this.responseCodec = (MessageCodec<Object>) method.responseCodec();
    this.inFlight = inFlight;
    this.clock = clock;
    this.startNanos = clock.monotonicTime();
  }

  @Override
  public void onRequest(Object message) {
    requests++;
    record(requestCodec, message, true);
  }

  @Override
  public void onResponse(Object message) {
    responses++;
    record(responseCodec, message, false);
  }

  private void record(MessageCodec<Object> codec, Object message, boolean request) {
    int size;
    try {
      size = codec.encodedSize(message);
    } catch (RuntimeException e) {
      return; // a message that cannot be encoded fails the call elsewhere; nothing to measure
    }
    (request ? meters.requestSize : meters.responseSize).record(size);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    inFlight.decrementAndGet();
    MethodMeters.Ended ended = meters.ended(status);
    ended.duration().record(clock.monotonicTime() - startNanos, TimeUnit.NANOSECONDS);
    ended.requests().record(requests);
    ended.responses().record(responses);
  }
}
