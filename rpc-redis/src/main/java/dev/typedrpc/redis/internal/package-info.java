/** Internals of the Redis integrations: not API, may change without notice. */
package dev.typedrpc.redis.internal;
