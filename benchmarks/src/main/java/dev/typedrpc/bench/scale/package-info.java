/**
 * The scale benchmark: one server JVM holding many idle server-streaming subscriptions (WebSocket,
 * SSE, h2c, gRPC-Java), its heap and RSS per connection, and the latency of one broadcast to all.
 */
package dev.typedrpc.bench.scale;
