/**
 * The in-memory transport (URIs {@code mem:<name>}): client and server in one JVM, speaking the
 * real frame protocol through byte buffers handed between two serial executors. Fast tests and
 * embedding; not for production traffic between processes.
 */
package dev.typedrpc.inmemory;
