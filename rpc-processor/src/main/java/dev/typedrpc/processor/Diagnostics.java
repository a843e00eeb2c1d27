package dev.typedrpc.processor;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Collects diagnostics for one service interface, so that a service that must wait for a later
 * round (it refers to types not generated yet) reports nothing now. Not thread-safe; one per
 * service per round.
 */
public final class Diagnostics {
  private final List<Entry> entries = new ArrayList<>();

  private record Entry(
      Diagnostic.Kind kind,
      String text,
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value) {}

  /** Reports {@code message} on {@code element}. */
  public void error(Element element, Message message, Object... args) {
    report(Diagnostic.Kind.ERROR, element, null, null, message.format(args));
  }

  /** Reports {@code message} on an annotation (and value, may be null) of {@code element}. */
  public void error(
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value,
      Message message,
      Object... args) {
    report(Diagnostic.Kind.ERROR, element, mirror, value, message.format(args));
  }

  /**
   * Reports {@code text} of the given kind on {@code element} (and on an annotation and value of
   * it, each may be null).
   */
  public void report(
      Diagnostic.Kind kind,
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value,
      String text) {
    entries.add(new Entry(kind, text, element, mirror, value));
  }

  public boolean hasErrors() {
    for (Entry e : entries) {
      if (e.kind() == Diagnostic.Kind.ERROR) {
        return true;
      }
    }
    return false;
  }

  /** Prints the collected diagnostics. */
  public void flush(Messager messager) {
    for (Entry e : entries) {
      if (e.mirror() == null) {
        messager.printMessage(e.kind(), e.text(), e.element());
      } else if (e.value() == null) {
        messager.printMessage(e.kind(), e.text(), e.element(), e.mirror());
      } else {
        messager.printMessage(e.kind(), e.text(), e.element(), e.mirror(), e.value());
      }
    }
    entries.clear();
  }
}
