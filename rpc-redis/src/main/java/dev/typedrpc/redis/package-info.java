/**
 * Redis integrations (Lettuce): {@link dev.typedrpc.redis.RedisPresence}, presence shared by every
 * server node that uses one Redis (see {@code docs/PRESENCE.md}); {@link
 * dev.typedrpc.redis.RedisBroadcast}, messages fanned out between nodes; {@link
 * dev.typedrpc.redis.RedisReplayLog}, the replay log of resumable streams in Redis Streams, so a
 * subscriber resumes on any node (see {@code docs/SCALING.md}).
 */
package dev.typedrpc.redis;
