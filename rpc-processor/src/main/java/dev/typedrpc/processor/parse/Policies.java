package dev.typedrpc.processor.parse;

import dev.typedrpc.annotations.Idempotent;
import dev.typedrpc.annotations.Resumable;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.MethodModel.Access;
import dev.typedrpc.processor.model.MethodModel.Idempotency;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Reads a service's access policy (Jakarta's {@code @PermitAll}, {@code @DenyAll},
 * {@code @RolesAllowed}, by name: the processor does not need them on its own class path) and its
 * methods' {@code @Idempotent}, and rejects contradictions and misplaced annotations.
 */
final class Policies {
  private Policies() {}

  private static final String SECURITY = "jakarta.annotation.security.";
  private static final String PERMIT_ALL = SECURITY + "PermitAll";
  private static final String DENY_ALL = SECURITY + "DenyAll";
  private static final String ROLES_ALLOWED = SECURITY + "RolesAllowed";
  private static final String IDEMPOTENT = Idempotent.class.getCanonicalName();
  private static final String RESUMABLE = Resumable.class.getCanonicalName();

  /**
   * The policy {@code e} (an interface or a method) declares itself; {@link Access#UNDECLARED} if
   * none, or after reporting an error.
   */
  static Access declared(Element e, Diagnostics diagnostics) {
    AnnotationMirror permit = find(e, PERMIT_ALL);
    AnnotationMirror deny = find(e, DENY_ALL);
    AnnotationMirror roles = find(e, ROLES_ALLOWED);
    String name = describe(e);
    if (deny != null && (permit != null || roles != null)) {
      diagnostics.error(
          e,
          deny,
          null,
          Message.ACCESS_POLICY_CONFLICT,
          name,
          "DenyAll",
          permit != null ? "PermitAll" : "RolesAllowed");
      return Access.UNDECLARED;
    }
    if (permit != null && roles != null) {
      diagnostics.error(
          e, permit, null, Message.ACCESS_POLICY_CONFLICT, name, "PermitAll", "RolesAllowed");
      return Access.UNDECLARED;
    }
    if (deny != null) {
      return new Access(Access.Kind.DENY_ALL, List.of());
    }
    if (permit != null) {
      return new Access(Access.Kind.PERMIT_ALL, List.of());
    }
    if (roles == null) {
      return Access.UNDECLARED;
    }
    AnnotationValue value = Annotations.value(roles, "value");
    List<?> listed = (List<?>) value.getValue();
    if (listed.isEmpty()) {
      diagnostics.error(e, roles, value, Message.ROLES_ALLOWED_EMPTY, name);
      return Access.UNDECLARED;
    }
    TreeSet<String> sorted = new TreeSet<>();
    boolean ok = true;
    for (Object v : listed) {
      AnnotationValue item = (AnnotationValue) v;
      String role = (String) item.getValue();
      if (role.isBlank()) {
        diagnostics.error(e, roles, item, Message.ROLE_BLANK, name, role);
        ok = false;
      }
      sorted.add(role);
    }
    return ok ? new Access(Access.Kind.ROLES_ALLOWED, new ArrayList<>(sorted)) : Access.UNDECLARED;
  }

  /** The method's {@code @Idempotent}, {@link Idempotency#UNKNOWN} without one. */
  static Idempotency idempotency(ExecutableElement m) {
    AnnotationMirror idempotent = find(m, IDEMPOTENT);
    if (idempotent == null) {
      return Idempotency.UNKNOWN;
    }
    boolean sideEffects = (Boolean) Annotations.value(idempotent, "sideEffects").getValue();
    return sideEffects ? Idempotency.IDEMPOTENT : Idempotency.NO_SIDE_EFFECTS;
  }

  /**
   * Reports policy annotations on a method of the interface that is not an RPC (default, static or
   * private): nothing would enforce them.
   */
  static void rejectOnNonRpc(ExecutableElement m, Diagnostics diagnostics) {
    String kind =
        m.getModifiers().contains(Modifier.DEFAULT)
            ? "default"
            : m.getModifiers().contains(Modifier.STATIC) ? "static" : "private";
    for (String annotation : List.of(PERMIT_ALL, DENY_ALL, ROLES_ALLOWED, IDEMPOTENT, RESUMABLE)) {
      AnnotationMirror found = find(m, annotation);
      if (found != null) {
        diagnostics.error(
            m,
            found,
            null,
            Message.ANNOTATION_ON_NON_RPC,
            annotation.substring(annotation.lastIndexOf('.') + 1),
            m.getEnclosingElement().getSimpleName() + "." + m.getSimpleName(),
            kind);
      }
    }
  }

  private static String describe(Element e) {
    return e instanceof ExecutableElement
        ? e.getEnclosingElement().getSimpleName() + "." + e.getSimpleName()
        : "interface " + e.getSimpleName();
  }

  private static AnnotationMirror find(Element e, String qualifiedName) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement())
          .getQualifiedName()
          .contentEquals(qualifiedName)) {
        return m;
      }
    }
    return null;
  }
}
