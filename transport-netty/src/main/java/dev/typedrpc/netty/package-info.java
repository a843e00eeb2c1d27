/**
 * Netty 4.2 transports on one port: WebSocket (scheme {@code ws:}), whose binary messages carry frames of the
 * typedrpc frame protocol ({@link dev.typedrpc.spi.frame.FrameConnection}), and gRPC's protocol over cleartext
 * HTTP/2 (client scheme {@code h2c:}; see {@code docs/GRPC.md}). Only {@link dev.typedrpc.netty.NettyTransportProvider}
 * is API; it is found with {@link java.util.ServiceLoader}.
 */
package dev.typedrpc.netty;
