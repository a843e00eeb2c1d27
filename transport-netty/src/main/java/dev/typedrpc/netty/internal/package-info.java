/**
 * Not API: the pieces every Netty transport shares (event loops, address parsing, the handler and
 * sink that join a channel to the frame protocol engine). Subpackages hold one transport each; none
 * of them is exported.
 */
package dev.typedrpc.netty.internal;
