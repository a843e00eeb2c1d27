package dev.typedrpc.bench.fanout;

/**
 * One post: the event to deliver to every subscriber of {@code topic}.
 *
 * @param source where the node puts it: {@code broadcast} (Redis pub/sub), {@code memory} or {@code
 *     redis} (a replay log)
 * @param topic the topic, or the replay log's key
 * @param sequence as in {@link FeedEvent}
 * @param postedNanos as in {@link FeedEvent}
 * @param phase as in {@link FeedEvent}
 * @param text as in {@link FeedEvent}
 */
public record Post(
    String source, String topic, long sequence, long postedNanos, int phase, String text) {}
