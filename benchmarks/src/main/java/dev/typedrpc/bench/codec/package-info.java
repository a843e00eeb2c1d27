/**
 * The codec benchmark: the same two messages as typedrpc records and as protobuf-java classes, and
 * a JMH benchmark that encodes and decodes both.
 */
package dev.typedrpc.bench.codec;
