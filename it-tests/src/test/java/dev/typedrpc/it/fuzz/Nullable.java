package dev.typedrpc.it.fuzz;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A TYPE_USE nullness annotation, as JSpecify's: the processor maps it to proto3 {@code optional}.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE_USE)
@interface Nullable {}
