/**
 * Netty 4.2 transports on one port: WebSocket (scheme {@code ws:}), whose binary messages carry
 * frames of the typedrpc frame protocol ({@link dev.typedrpc.spi.frame.FrameConnection}), SSE +
 * POST ({@code sse:}) and gRPC's protocol over HTTP/2 ({@code h2c:}, {@code h2:}; see {@code
 * docs/GRPC.md}). Only {@link dev.typedrpc.netty.NettyTransportProvider} is API; it is found with
 * {@link java.util.ServiceLoader}. Everything under {@code dev.typedrpc.netty.internal} is
 * implementation, public only across its own packages, and not exported.
 */
package dev.typedrpc.netty;
