package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.Element;

/** A Java enum used by a service, with the wire number of each constant. */
public record EnumModel(
    ClassName javaName,
    String protoName,
    ClassName codec,
    List<Constant> constants,
    List<Integer> reservedNumbers,
    List<String> reservedNames,
    Element origin) {

  public EnumModel {
    constants = List.copyOf(constants);
    reservedNumbers = List.copyOf(reservedNumbers);
    reservedNames = List.copyOf(reservedNames);
  }

  /** The constant numbered 0: the default value, and what unknown numbers decode to. */
  public Constant zero() {
    for (Constant c : constants) {
      if (c.number() == 0) {
        return c;
      }
    }
    throw new IllegalStateException("validated enum without zero: " + javaName);
  }

  /** One constant, in declaration order. */
  public record Constant(String javaName, String protoName, int number, int since) {}
}
