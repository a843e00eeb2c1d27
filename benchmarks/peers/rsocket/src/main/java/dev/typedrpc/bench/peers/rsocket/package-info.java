/**
 * RSocket-Java 1.1.5 as a peer of the end-to-end benchmark (systems G and H): an echo responder and
 * requester over TCP or WebSocket, run by the load driver in JVMs on RSocket's own class path.
 */
package dev.typedrpc.bench.peers.rsocket;
