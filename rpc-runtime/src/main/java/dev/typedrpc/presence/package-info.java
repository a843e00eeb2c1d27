/**
 * Presence: who is connected to a topic, and in what state. A {@link
 * dev.typedrpc.presence.Presence} holds members ({@link dev.typedrpc.presence.Member}: an id, a
 * {@link dev.typedrpc.presence.PresenceState}, string attributes) that join through a {@link
 * dev.typedrpc.presence.PresenceHandle}, tied to the call being served or kept alive by heartbeats,
 * and streams {@link dev.typedrpc.presence.PresenceEvent}s to watchers, current members first.
 * {@link dev.typedrpc.presence.InMemoryPresence} serves one node; the {@code rpc-redis} module
 * shares presence between nodes. See {@code docs/PRESENCE.md}.
 */
package dev.typedrpc.presence;
