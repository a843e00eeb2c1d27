/**
 * OpenTelemetry tracing of typedrpc calls, with W3C trace context carried in metadata: {@link
 * dev.typedrpc.opentelemetry.RpcTracing} gives the server and client interceptors. Optional module:
 * only applications that add it get OpenTelemetry.
 */
package dev.typedrpc.opentelemetry;
