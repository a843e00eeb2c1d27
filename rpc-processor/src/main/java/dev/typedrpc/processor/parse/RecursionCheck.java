package dev.typedrpc.processor.parse;

import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.FieldModel.Label;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;

/**
 * Finds records that contain themselves through singular, non-optional record fields: their default
 * instance would be infinite. Indirection through Optional, @Nullable, List, Map or a sealed
 * interface is fine.
 */
final class RecursionCheck {
  private final Map<String, MessageModel> messages;
  private final Map<String, List<Element>> components;
  private final Diagnostics diagnostics;

  RecursionCheck(
      Map<String, MessageModel> messages,
      Map<String, List<Element>> components,
      Diagnostics diagnostics) {
    this.messages = messages;
    this.components = components;
    this.diagnostics = diagnostics;
  }

  void run() {
    for (Map.Entry<String, MessageModel> e : messages.entrySet()) {
      MessageModel m = e.getValue();
      if (m.kind() != MessageModel.Kind.RECORD) {
        continue;
      }
      List<FieldModel> fields = m.fields();
      for (int i = 0; i < fields.size(); i++) {
        String target = strongTarget(fields.get(i));
        if (target != null && reaches(target, e.getKey(), new HashSet<>())) {
          FieldModel f = fields.get(i);
          diagnostics.error(
              components.get(e.getKey()).get(i),
              Message.RECURSIVE_RECORD,
              m.simpleName(),
              m.simpleName(),
              m.simpleName() + "." + f.name());
          break;
        }
      }
    }
  }

  private boolean reaches(String from, String goal, Set<String> visited) {
    if (from.equals(goal)) {
      return true;
    }
    if (!visited.add(from)) {
      return false;
    }
    MessageModel m = messages.get(from);
    if (m == null || m.kind() != MessageModel.Kind.RECORD) {
      return false;
    }
    for (FieldModel f : m.fields()) {
      String target = strongTarget(f);
      if (target != null && reaches(target, goal, visited)) {
        return true;
      }
    }
    return false;
  }

  private static String strongTarget(FieldModel f) {
    if (f.label() == Label.SINGULAR && f.value() instanceof MessageValue mv && !mv.oneof()) {
      return mv.javaName().canonicalName();
    }
    return null;
  }
}
