package dev.typedrpc.processor.parse;

import dev.typedrpc.annotations.Position;
import dev.typedrpc.annotations.Resumable;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.MethodModel.CallKind;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Checks a method's {@code @Resumable}: a server-streaming method whose response record has exactly
 * one {@code @Position long} component.
 */
final class Resumption {
  private Resumption() {}

  /** What {@link #position} found. */
  record Found(boolean ok, String accessor) {
    static final Found NONE = new Found(true, null);
    static final Found ERROR = new Found(false, null);
  }

  /**
   * The accessor of the position component of {@code m}'s response ({@code null} in a {@code ok}
   * result if {@code m} is not {@code @Resumable}); an error result after reporting what is wrong.
   */
  static Found position(
      ExecutableElement m, CallKind kind, TypeMirror response, Diagnostics diagnostics) {
    AnnotationMirror resumable = Annotations.mirror(m, Resumable.class).orElse(null);
    if (resumable == null) {
      return Found.NONE;
    }
    String name = m.getEnclosingElement().getSimpleName() + "." + m.getSimpleName();
    if (kind != CallKind.SERVER_STREAMING) {
      diagnostics.error(
          m,
          resumable,
          null,
          Message.RESUMABLE_NOT_SERVER_STREAMING,
          name,
          kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      return Found.ERROR;
    }
    if (response == null
        || response.getKind() != TypeKind.DECLARED
        || ((DeclaredType) response).asElement().getKind() != ElementKind.RECORD) {
      diagnostics.error(m, resumable, null, Message.RESUMABLE_RESPONSE_NOT_RECORD, name, response);
      return Found.ERROR;
    }
    TypeElement record = (TypeElement) ((DeclaredType) response).asElement();
    RecordComponentElement found = null;
    for (RecordComponentElement c : record.getRecordComponents()) {
      AnnotationMirror position = Annotations.mirror(c, Position.class).orElse(null);
      if (position == null) {
        continue;
      }
      if (found != null) {
        diagnostics.error(
            site(record, c),
            Message.POSITION_DUPLICATE,
            record.getSimpleName(),
            found.getSimpleName(),
            c.getSimpleName());
        return Found.ERROR;
      }
      if (c.asType().getKind() != TypeKind.LONG) {
        diagnostics.error(
            site(record, c),
            Message.POSITION_NOT_LONG,
            record.getSimpleName() + "." + c.getSimpleName(),
            c.asType());
        return Found.ERROR;
      }
      found = c;
    }
    if (found == null) {
      diagnostics.error(m, resumable, null, Message.POSITION_MISSING, record.getQualifiedName());
      return Found.ERROR;
    }
    return new Found(true, found.getSimpleName().toString());
  }

  /**
   * The component's backing field, which javac can place in the source (it cannot place a record
   * component); the component if there is none.
   */
  private static Element site(TypeElement record, RecordComponentElement component) {
    for (Element e : record.getEnclosedElements()) {
      if (e.getKind() == ElementKind.FIELD && e.getSimpleName().equals(component.getSimpleName())) {
        return e;
      }
    }
    return component;
  }
}
