package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The record component ({@code long}) that orders the events of a {@link Resumable} stream: each
 * event's position is greater than the one before it on the same stream. The client remembers the
 * last position it delivered and resumes after it; generated code reads it through the record's
 * accessor. It travels as an ordinary field.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface Position {}
