/**
 * The browser benchmark: Chromium calling one typedrpc server through {@code @typedrpc/web} over
 * WebSocket and through Connect-web over HTTP/1.1 and HTTP/2 ({@code benchmarks/run browser}).
 */
package dev.typedrpc.bench.browser;
