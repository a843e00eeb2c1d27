/**
 * The standard gRPC services a production server offers to stock tools, on every typedrpc
 * transport: {@link dev.typedrpc.services.health health checking} ({@code grpc.health.v1.Health})
 * and {@link dev.typedrpc.services.reflection server reflection} ({@code
 * grpc.reflection.v1.ServerReflection} and its {@code v1alpha} twin). See {@code
 * docs/HEALTH_REFLECTION.md}.
 */
package dev.typedrpc.services;
