/**
 * A Resilience4j circuit breaker per endpoint for typedrpc clients: {@link
 * dev.typedrpc.resilience4j.CircuitBreakerInterceptor}. Optional module: only applications that add
 * it get Resilience4j.
 */
package dev.typedrpc.resilience4j;
