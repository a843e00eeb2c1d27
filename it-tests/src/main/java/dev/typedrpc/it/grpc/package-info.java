/**
 * A service defined Java-first whose emitted {@code .proto} gRPC-Java compiles, so that typedrpc
 * and stock gRPC-Java can call each other over HTTP/2 in the integration tests.
 */
package dev.typedrpc.it.grpc;
