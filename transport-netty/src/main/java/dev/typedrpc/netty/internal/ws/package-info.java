/**
 * Not API: the typedrpc frame protocol over WebSocket binary messages, client and server pipelines.
 */
package dev.typedrpc.netty.internal.ws;
