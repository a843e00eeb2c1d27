/**
 * The end-to-end benchmark's load driver, on a class path of its own in every client JVM: the
 * bounded workloads, the echo client and server interfaces each system implements, the JVMs' line
 * protocol and the RESULT line. Depends on HdrHistogram only, so a peer on another Netty ({@code
 * benchmarks/peers}) runs it too; the systems and the orchestrator are in {@code
 * dev.typedrpc.bench.load}.
 */
package dev.typedrpc.bench.driver;
