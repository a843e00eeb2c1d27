/**
 * typedrpc's benchmarks: the codec against protobuf-java (JMH) and an end-to-end load generator
 * against gRPC-Java and a raw Netty echo. {@link dev.typedrpc.bench.BenchMain} runs them and prints
 * one report.
 */
package dev.typedrpc.bench;
