/**
 * Armeria's gRPC server as a peer of the end-to-end benchmark (system I): the echo service
 * gRPC-Java serves in D, served by Armeria in a JVM on Armeria's own class path.
 */
package dev.typedrpc.bench.peers.armeria;
