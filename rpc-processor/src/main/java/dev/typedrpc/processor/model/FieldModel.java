package dev.typedrpc.processor.model;

import dev.typedrpc.processor.model.ValueType.ScalarValue;

/**
 * One field of a message.
 *
 * @param name the Java name (record component or parameter)
 * @param protoName the {@code lower_snake} name in the schema
 * @param label cardinality
 * @param presence how an {@link Label#OPTIONAL} field is absent in Java
 * @param primitive whether a singular scalar is a Java primitive (else it is boxed)
 * @param key the key type of a {@link Label#MAP} field, else null
 * @param deprecated whether the Java element is {@code @Deprecated}
 */
public record FieldModel(
    String name,
    String protoName,
    int number,
    int since,
    Label label,
    Presence presence,
    boolean primitive,
    ValueType value,
    ScalarValue key,
    boolean deprecated) {

  /** Cardinality of a field. */
  public enum Label {
    SINGULAR,
    OPTIONAL,
    REPEATED,
    MAP;
  }

  /** How absence is represented in Java. */
  public enum Presence {
    /** Never absent. */
    NONE,
    /** Null means absent (a box or an {@code @Nullable} reference). */
    NULLABLE,
    /** {@code java.util.Optional}. */
    OPTIONAL;
  }
}
