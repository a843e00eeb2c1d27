package dev.typedrpc.processor.parse;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;

/**
 * The source element behind each schema element of one service (message, field, oneof case, enum,
 * enum value, method), keyed by proto names, so that the baseline check reports on the most
 * specific element. Filled while parsing.
 */
public final class Sites {
  private final Map<String, Element> elements = new HashMap<>();

  void message(String message, Element e) {
    elements.putIfAbsent("message " + message, e);
  }

  void field(String message, String field, Element e) {
    elements.putIfAbsent("field " + message + "." + field, e);
  }

  void oneofCase(String message, String caseName, Element e) {
    elements.putIfAbsent("case " + message + "." + caseName, e);
  }

  void enumType(String enumName, Element e) {
    elements.putIfAbsent("enum " + enumName, e);
  }

  void enumValue(String enumName, String value, Element e) {
    elements.putIfAbsent("value " + enumName + "." + value, e);
  }

  void method(String schemaName, Element e) {
    elements.putIfAbsent("method " + schemaName, e);
  }

  Element message(String message) {
    return elements.get("message " + message);
  }

  Element field(String message, String field) {
    return elements.get("field " + message + "." + field);
  }

  Element oneofCase(String message, String caseName) {
    return elements.get("case " + message + "." + caseName);
  }

  Element enumType(String enumName) {
    return elements.get("enum " + enumName);
  }

  Element enumValue(String enumName, String value) {
    return elements.get("value " + enumName + "." + value);
  }

  Element method(String schemaName) {
    return elements.get("method " + schemaName);
  }

  /** Every site, keyed {@code "<kind> <proto name>"}: message, field, case, enum, value, method. */
  Map<String, Element> all() {
    return Collections.unmodifiableMap(elements);
  }
}
