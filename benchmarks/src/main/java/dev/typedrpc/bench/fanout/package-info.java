/**
 * The fan-out benchmark ({@code benchmarks/run fanout}): events posted to one topic and delivered
 * to 1,000 WebSocket subscribers on one server node or spread over three nodes that share a
 * redis-server, through a plain server-streaming method and through a {@code @Resumable} one.
 */
package dev.typedrpc.bench.fanout;
