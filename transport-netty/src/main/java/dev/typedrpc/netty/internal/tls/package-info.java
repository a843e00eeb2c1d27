/** Not API: TLS contexts for servers and clients, and the descriptions of TLS failures. */
package dev.typedrpc.netty.internal.tls;
