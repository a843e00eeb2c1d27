/**
 * gzip of single gRPC messages (JMH): the event loop's reused deflater and inflater against a
 * {@code GZIPOutputStream}/{@code GZIPInputStream} per message.
 */
package dev.typedrpc.bench.gzip;
