/**
 * What a server needs to serve {@code @Resumable} streams: a {@link dev.typedrpc.replay.ReplayLog}
 * keeps a bounded window of recent events per key and replays them after a client's position before
 * the live ones ({@link dev.typedrpc.replay.InMemoryReplayLog} by default). See {@code
 * docs/SCALING.md}.
 */
package dev.typedrpc.replay;
