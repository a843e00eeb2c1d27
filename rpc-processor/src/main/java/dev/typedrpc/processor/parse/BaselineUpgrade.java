package dev.typedrpc.processor.parse;

import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.ServiceModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.TypeElement;

/**
 * Rewrites a baseline written with the earlier proto names ({@code protoNaming} 1, see {@link
 * LegacyNames}) into today's names, so that the gate compares what the user changed, not what the
 * naming scheme renamed: a message {@code RoomEvent_MemberJoined} is today's {@code
 * RoomEvent.MemberJoined}, a field is today's name of its Java name ({@code u_r_l} of {@code URL}
 * is {@code url}), an enum value today's name of its Java constant. Numbers, types and labels are
 * kept.
 */
final class BaselineUpgrade {
  private final Map<String, String> types = new HashMap<>();
  private final Map<String, Map<String, String>> cases = new HashMap<>();

  private BaselineUpgrade(ServiceModel service) {
    for (MessageModel m : service.messages()) {
      String legacy = m.origin() instanceof TypeElement te ? Names.flatName(te) : m.protoName();
      types.put(legacy, m.protoName());
      Map<String, String> byOldName = new HashMap<>();
      for (OneofCase c : m.cases()) {
        byOldName.put(LegacyNames.field(c.type().javaName().simpleName()), c.protoName());
      }
      cases.put(m.protoName(), byOldName);
    }
    for (EnumModel e : service.enums()) {
      String legacy = e.origin() instanceof TypeElement te ? Names.flatName(te) : e.protoName();
      types.put(legacy, e.protoName());
    }
  }

  /** {@code baseline} in today's names; as is if it has them already. */
  static Baseline apply(Baseline baseline, ServiceModel service) {
    if (baseline.protoNaming() >= 2) {
      return baseline;
    }
    return new BaselineUpgrade(service).upgrade(baseline);
  }

  private Baseline upgrade(Baseline b) {
    Map<String, Baseline.Method> methods = new LinkedHashMap<>();
    for (Baseline.Method m : b.methods().values()) {
      methods.put(
          m.name(),
          new Baseline.Method(
              m.name(),
              m.javaName(),
              m.callKind(),
              type(m.request()),
              type(m.response()),
              m.since()));
    }
    Map<String, Baseline.Msg> messages = new LinkedHashMap<>();
    for (Baseline.Msg m : b.messages().values()) {
      String name = type(m.name());
      List<String> reserved = new ArrayList<>();
      for (String r : m.reservedNames()) {
        reserved.add(Names.lowerSnake(r));
      }
      Map<String, String> caseNames = cases.getOrDefault(name, Map.of());
      List<Baseline.Field> oneofCases = new ArrayList<>();
      for (Baseline.Field c : m.cases()) {
        String now = caseNames.getOrDefault(c.name(), c.name());
        oneofCases.add(field(c, now, now));
      }
      List<Baseline.Field> fields = new ArrayList<>();
      for (Baseline.Field f : m.fields()) {
        fields.add(field(f, Names.lowerSnake(f.javaName()), f.javaName()));
      }
      messages.put(name, new Baseline.Msg(name, fields, oneofCases, m.reservedNumbers(), reserved));
    }
    Map<String, Baseline.EnumType> enums = new LinkedHashMap<>();
    for (Baseline.EnumType e : b.enums().values()) {
      String name = type(e.name());
      List<Baseline.Field> values = new ArrayList<>();
      for (Baseline.Field v : e.values()) {
        values.add(field(v, Names.enumValue(name, v.javaName()), v.javaName()));
      }
      enums.put(name, new Baseline.EnumType(name, values, e.reservedNumbers(), List.of()));
    }
    return new Baseline(
        b.file(),
        b.service(),
        b.version(),
        b.javaInterface(),
        2,
        b.reservedNames(),
        methods,
        messages,
        enums);
  }

  private Baseline.Field field(Baseline.Field f, String name, String javaName) {
    return new Baseline.Field(
        name, javaName, f.number(), type(f.type()), f.keyType(), f.label(), f.since());
  }

  private String type(String protoName) {
    return types.getOrDefault(protoName, protoName);
  }
}
