package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The server-streaming method's subscription survives a lost connection: when its stream fails with
 * a retriable status ({@code UNAVAILABLE}: connection lost, server restart, transport switch), the
 * client subscribes again, sending the {@link Position} of the last event it delivered, and drops
 * any event it already delivered. The subscriber sees each event once, in order, until it cancels,
 * the deadline passes, the server completes the stream or fails it with another status.
 *
 * <p>The method must be server streaming and its response a record with exactly one {@link
 * Position} component of type {@code long}; the processor rejects anything else. The server resumes
 * from the position the call carries ({@code ReplayLog} keeps a window of events to replay from),
 * or fails the call with {@code DATA_LOSS} if the events after it are gone. See {@code
 * docs/SCALING.md}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Resumable {}
