/**
 * What the processor costs a build: {@code benchmarks/run compile} times {@code javac} with the
 * processor against {@code protoc} + {@code protoc-gen-grpc-java} + {@code javac} for the same
 * schema.
 */
package dev.typedrpc.bench.compile;
