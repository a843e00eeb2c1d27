/**
 * Pure generators from the {@code model} to Java files and schema text. Nothing here touches the
 * Messager, Elements or the Filer.
 */
package dev.typedrpc.processor.codegen;
