package dev.typedrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The service version that introduced a method, parameter, record component, enum constant or
 * sealed subtype. Absent means version 1. The processor rejects a value above the service's {@link
 * RpcService#version()} and records it in the JSON descriptor, which schema-evolution checks read.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
  ElementType.METHOD,
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.TYPE
})
public @interface Since {
  /** The version, at least 1. */
  int value();
}
