/**
 * Not API: the typedrpc frame protocol over Server-Sent Events (server to client) and POST requests
 * (client to server), for networks that pass only plain HTTP/1.1.
 */
package dev.typedrpc.netty.internal.sse;
