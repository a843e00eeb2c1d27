package dev.typedrpc.processor.parse;

import dev.typedrpc.annotations.Since;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/** Field and enum numbers, {@code @Reserved} and {@code @Since} rules, for one service. */
final class NumberRules {
  static final int MAX_FIELD_NUMBER = 536_870_911;

  private final Diagnostics diagnostics;
  private final String serviceName;
  private final int version;

  NumberRules(Diagnostics diagnostics, String serviceName, int version) {
    this.diagnostics = diagnostics;
    this.serviceName = serviceName;
    this.version = version;
  }

  /**
   * The {@code @Since} value of {@code e} (1 if absent), reporting one above the service version.
   */
  int since(Element e, String siteName) {
    Optional<AnnotationMirror> mirror = Annotations.mirror(e, Since.class);
    if (mirror.isEmpty()) {
      return 1;
    }
    int since = Annotations.intValue(mirror.get());
    if (since < 1) {
      diagnostics.error(
          e,
          mirror.get(),
          Annotations.value(mirror.get(), "value"),
          Message.SINCE_BELOW_ONE,
          siteName,
          since);
      return 1;
    }
    if (since > version) {
      diagnostics.error(
          e,
          mirror.get(),
          Annotations.value(mirror.get(), "value"),
          Message.SINCE_ABOVE_VERSION,
          siteName,
          since,
          serviceName,
          version);
    }
    return since;
  }

  /** Numbers of one message (or enum), with the reservations of {@code owner} (may be null). */
  Scope scope(Element owner, String ownerName) {
    return new Scope(owner, ownerName);
  }

  Scope enumScope(Element owner, String ownerName) {
    return new Scope(owner, ownerName);
  }

  /** The numbers and names used so far in one message or enum. */
  final class Scope {
    private final String ownerName;
    private final List<Integer> reservedNumbers;
    private final List<String> reservedNames;
    private final Map<Integer, String> used = new HashMap<>();

    private Scope(Element owner, String ownerName) {
      this.ownerName = ownerName;
      this.reservedNumbers = owner == null ? List.of() : Annotations.reservedNumbers(owner);
      this.reservedNames = owner == null ? List.of() : Annotations.reservedNames(owner);
    }

    /** The field number of {@code e}: its {@code @Field} or {@code position}; validated. */
    int fieldNumber(Element e, int position, String siteName) {
      Optional<AnnotationMirror> mirror = Annotations.field(e);
      int number = mirror.map(Annotations::intValue).orElse(position);
      if (number < 1 || number > MAX_FIELD_NUMBER) {
        report(e, mirror, Message.FIELD_NUMBER_OUT_OF_RANGE, siteName, number);
      } else if (number >= 19_000 && number <= 19_999) {
        report(e, mirror, Message.FIELD_NUMBER_IN_RESERVED_RANGE, siteName, number);
      }
      checkNumber(e, mirror, number, siteName, Message.DUPLICATE_FIELD_NUMBER);
      return number;
    }

    /** The number of enum constant {@code e}: its {@code @Field} or its ordinal; validated. */
    int enumNumber(Element e, int ordinal, String siteName) {
      Optional<AnnotationMirror> mirror = Annotations.field(e);
      int number = mirror.map(Annotations::intValue).orElse(ordinal);
      checkNumber(e, mirror, number, siteName, Message.DUPLICATE_ENUM_NUMBER);
      return number;
    }

    private void checkNumber(
        Element e,
        Optional<AnnotationMirror> mirror,
        int number,
        String siteName,
        Message duplicate) {
      String other = used.putIfAbsent(number, siteName);
      if (other != null) {
        report(e, mirror, duplicate, siteName, number, other);
      }
      if (reservedNumbers.contains(number)) {
        report(e, mirror, Message.RESERVED_NUMBER_REUSED, siteName, number, ownerName);
      }
    }

    /** Reports a name listed in the owner's {@code @Reserved(names)}. */
    void checkName(Element e, String name, String siteName) {
      if (reservedNames.contains(name)) {
        diagnostics.error(e, Message.RESERVED_NAME_REUSED, siteName, ownerName);
      }
    }

    private void report(
        Element e, Optional<AnnotationMirror> mirror, Message message, Object... args) {
      if (mirror.isPresent()) {
        diagnostics.error(e, mirror.get(), Annotations.value(mirror.get(), "value"), message, args);
      } else {
        diagnostics.error(e, message, args);
      }
    }
  }
}
