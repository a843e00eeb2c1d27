/**
 * Not API: the server on one port: accepting connections, telling protocols apart by their first
 * bytes, and the HTTP/1.1 request gate in front of WebSocket and SSE.
 */
package dev.typedrpc.netty.internal.server;
