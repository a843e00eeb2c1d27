/**
 * The echo service the end-to-end benchmark calls, for typedrpc; the gRPC twin is generated from
 * echo.proto.
 */
package dev.typedrpc.bench.echo;
