package dev.typedrpc.processor;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Collects errors for one service interface, so that a service that must wait for a later round (it
 * refers to types not generated yet) reports nothing now. Not thread-safe; one per service per
 * round.
 */
public final class Diagnostics {
  private final List<Entry> entries = new ArrayList<>();

  private record Entry(
      String text, Element element, AnnotationMirror mirror, AnnotationValue value) {}

  /** Reports {@code message} on {@code element}. */
  public void error(Element element, Message message, Object... args) {
    entries.add(new Entry(message.format(args), element, null, null));
  }

  /** Reports {@code message} on an annotation (and value, may be null) of {@code element}. */
  public void error(
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value,
      Message message,
      Object... args) {
    entries.add(new Entry(message.format(args), element, mirror, value));
  }

  public boolean hasErrors() {
    return !entries.isEmpty();
  }

  /** Prints the collected errors. */
  public void flush(Messager messager) {
    for (Entry e : entries) {
      if (e.mirror() == null) {
        messager.printMessage(Diagnostic.Kind.ERROR, e.text(), e.element());
      } else if (e.value() == null) {
        messager.printMessage(Diagnostic.Kind.ERROR, e.text(), e.element(), e.mirror());
      } else {
        messager.printMessage(Diagnostic.Kind.ERROR, e.text(), e.element(), e.mirror(), e.value());
      }
    }
    entries.clear();
  }
}
