/**
 * Redis integrations (Lettuce): {@link dev.typedrpc.redis.RedisPresence}, presence shared by every
 * server node that uses one Redis. See {@code docs/PRESENCE.md}.
 */
package dev.typedrpc.redis;
