/**
 * The typedrpc annotation processor: {@link dev.typedrpc.processor.RpcProcessor} parses each
 * {@code @RpcService} into a model ({@code parse}, {@code model}) and writes code and schemas from
 * it ({@code codegen}).
 */
package dev.typedrpc.processor;
