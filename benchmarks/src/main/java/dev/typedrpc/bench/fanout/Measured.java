package dev.typedrpc.bench.fanout;

/**
 * One measurement: posting for {@code seconds}, then waiting for the events to arrive.
 *
 * @param posts events posted
 * @param postsPerSecond posts divided by the posting time
 * @param deliveredPerSecond events received by subscribers, divided by the time from the first post
 *     to the last receipt
 * @param delivered events received, all subscribers together
 * @param expected posts times subscribers
 * @param p50Micros median latency from post to receipt
 * @param p99Micros 99th percentile
 * @param maxMicros the largest
 * @param problem what went wrong (subscribers that failed, posts refused, a stall), or empty
 */
record Measured(
    long posts,
    double postsPerSecond,
    double deliveredPerSecond,
    long delivered,
    long expected,
    long p50Micros,
    long p99Micros,
    long maxMicros,
    String problem) {}
