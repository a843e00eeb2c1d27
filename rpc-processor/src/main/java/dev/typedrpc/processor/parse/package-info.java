/**
 * Turns {@code @RpcService} elements into the immutable {@code model}, validating everything once
 * and reporting every independent error through {@code Diagnostics}.
 */
package dev.typedrpc.processor.parse;
