/**
 * The WebSocket transport (scheme {@code ws:}) on Netty 4.2: each binary WebSocket message carries one frame of the
 * typedrpc frame protocol, which {@link dev.typedrpc.spi.frame.FrameConnection} encodes and decodes.
 * Only {@link dev.typedrpc.netty.NettyTransportProvider} is API; it is found with {@link java.util.ServiceLoader}.
 */
package dev.typedrpc.netty;
