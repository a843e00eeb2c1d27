/**
 * Not API: gRPC's protocol over HTTP/2 (h2c and h2 over TLS), client and server, with its wire
 * format.
 */
package dev.typedrpc.netty.internal.grpc;
