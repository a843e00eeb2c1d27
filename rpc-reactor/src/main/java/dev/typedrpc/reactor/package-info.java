/**
 * Reactor's {@code Flux} and {@code Mono} in {@code @RpcService} interfaces: the adapter generated
 * code calls. Add this module (and your own {@code reactor-core}) to use them; nothing else needs
 * it.
 */
package dev.typedrpc.reactor;
