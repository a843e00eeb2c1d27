/**
 * Micrometer metrics of typedrpc calls, named after OpenTelemetry's RPC semantic conventions:
 * {@link dev.typedrpc.micrometer.RpcMetrics} gives the server and client interceptors. Optional
 * module: only applications that add it get Micrometer.
 */
package dev.typedrpc.micrometer;
