/**
 * Presence internals shared by the in-memory and the Redis presence: not API, may change without
 * notice.
 */
package dev.typedrpc.presence.internal;
