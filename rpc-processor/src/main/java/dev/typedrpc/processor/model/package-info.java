/**
 * The validated, immutable model of an {@code @RpcService}: service, methods, messages, fields,
 * enums. Built by {@code parse}, read by {@code codegen}; holds originating elements only for the
 * Filer.
 */
package dev.typedrpc.processor.model;
