/**
 * The protocols browsers speak, on the shared server port: Connect (unary, GET, server and client
 * streaming) and gRPC-Web (binary and text), with CORS. Protocol codecs here; the HTTP/1.1 adapter
 * is {@link dev.typedrpc.netty.internal.web.Http1WebHandler}, the HTTP/2 one lives next to the gRPC
 * server handler. Internal: not API.
 */
package dev.typedrpc.netty.internal.web;
