package dev.typedrpc.bench.fanout;

import dev.typedrpc.annotations.Position;

/**
 * One event of the feed, as subscribers receive it.
 *
 * @param position its position in the replay log (the sequence for a plain broadcast)
 * @param sequence the poster's count of posts, from 1
 * @param postedNanos the posting JVM's {@link System#nanoTime()} when the post was due; only that
 *     JVM (which also holds the subscribers) compares it with its own clock
 * @param phase which part of a measurement the post belongs to ({@link Phase#code})
 * @param text the payload
 */
public record FeedEvent(
    @Position long position, long sequence, long postedNanos, int phase, String text) {}
