/**
 * The end-to-end load generator: echo servers and clients for each system, the bounded workloads,
 * the child JVMs that run them and the orchestrator that alternates the systems over rounds.
 */
package dev.typedrpc.bench.load;
