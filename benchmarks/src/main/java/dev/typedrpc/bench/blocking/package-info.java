/**
 * A blocking implementation (1 ms per call) served on a thread pool and on virtual threads: {@code
 * benchmarks/run blocking}.
 */
package dev.typedrpc.bench.blocking;
