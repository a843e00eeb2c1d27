package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.Element;

/**
 * A Java enum used by a service, with the wire number of each constant.
 *
 * @param constants the numbered constants, in declaration order
 * @param unrecognized the {@code @Unrecognized} constant unknown numbers decode to, or null (then
 *     they decode to the constant numbered 0)
 */
public record EnumModel(
    ClassName javaName,
    String protoName,
    ClassName codec,
    List<Constant> constants,
    List<Integer> reservedNumbers,
    List<String> reservedNames,
    Fallback unrecognized,
    Element origin) {

  public EnumModel {
    constants = List.copyOf(constants);
    reservedNumbers = List.copyOf(reservedNumbers);
    reservedNames = List.copyOf(reservedNames);
  }

  /**
   * The constant numbered 0: the default value (and what unknown numbers decode to without an
   * {@code @Unrecognized} constant).
   */
  public Constant zero() {
    for (Constant c : constants) {
      if (c.number() == 0) {
        return c;
      }
    }
    throw new IllegalStateException("validated enum without zero: " + javaName);
  }

  /** The {@code @Unrecognized} constant and its position among all constants. */
  public record Fallback(String javaName, int ordinal) {}

  /** One constant, in declaration order. */
  public record Constant(
      String javaName, String protoName, int number, int since, boolean deprecated) {}
}
