/**
 * {@code grpc.health.v1.Health}: {@link dev.typedrpc.services.health.HealthService} reports a
 * status per service, set by the application, and {@code NOT_SERVING} for everything once the
 * server drains.
 */
package dev.typedrpc.services.health;
