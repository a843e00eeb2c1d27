package dev.typedrpc.processor.codegen;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.MethodModel.CallKind;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;
import dev.typedrpc.processor.model.ValueType.WellKnown;
import dev.typedrpc.processor.model.ValueType.WellKnownValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the schema of a service as a {@code google.protobuf.FileDescriptorProto}: the descriptor
 * {@code protoc --descriptor_set_out} makes of the {@code .proto} {@link ProtoGenerator} writes
 * (same file name, types, field order, json names, synthetic oneofs of {@code optional} fields and
 * map entry messages), without source comments. Generated code embeds it for gRPC server
 * reflection.
 */
public final class DescriptorGenerator {
  private final ServiceModel s;
  private final String prefix;
  private final Map<String, MessageModel> messages = new TreeMap<>();
  private final Map<String, EnumModel> enums = new TreeMap<>();
  private final Set<String> containers;

  private DescriptorGenerator(ServiceModel s) {
    this.s = s;
    this.prefix = s.protoPackage().isEmpty() ? "." : "." + s.protoPackage() + ".";
    for (MessageModel m : s.messages()) {
      messages.put(m.protoName(), m);
    }
    for (EnumModel e : s.enums()) {
      enums.put(e.protoName(), e);
    }
    this.containers = ProtoGenerator.containers(s);
  }

  /** The file name of a service's schema in descriptors: {@code <service name>.proto}. */
  public static String fileName(ServiceModel s) {
    return s.serviceName() + ".proto";
  }

  public static FileDescriptorProto generate(ServiceModel s) {
    return new DescriptorGenerator(s).file();
  }

  private FileDescriptorProto file() {
    FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName(fileName(s));
    if (!s.protoPackage().isEmpty()) {
      f.setPackage(s.protoPackage());
    }
    f.addAllDependency(ProtoGenerator.imports(s));
    for (String name : children("", messageNames())) {
      f.addMessageType(message(name));
    }
    for (String name : children("", enums.keySet())) {
      f.addEnumType(enumType(enums.get(name)));
    }
    f.addService(service());
    if (!s.options().isEmpty()) {
      FileOptions.Builder o = FileOptions.newBuilder();
      for (Map.Entry<String, String> e : s.options().entrySet()) {
        FieldDescriptor field = FileOptions.getDescriptor().findFieldByName(e.getKey());
        o.setField(field, e.getValue());
      }
      f.setOptions(o);
    }
    return f.setSyntax("proto3").build();
  }

  private ServiceDescriptorProto service() {
    ServiceDescriptorProto.Builder b =
        ServiceDescriptorProto.newBuilder().setName(s.protoServiceName());
    for (MethodModel m : s.methods()) {
      MethodDescriptorProto.Builder mb =
          MethodDescriptorProto.newBuilder()
              .setName(m.schemaName())
              .setInputType(ref(m.requestProto()))
              .setOutputType(ref(m.responseProto()));
      if (m.kind() == CallKind.CLIENT_STREAMING || m.kind() == CallKind.BIDI_STREAMING) {
        mb.setClientStreaming(true);
      }
      if (m.kind() == CallKind.SERVER_STREAMING || m.kind() == CallKind.BIDI_STREAMING) {
        mb.setServerStreaming(true);
      }
      if (m.deprecated()) {
        mb.getOptionsBuilder().setDeprecated(true);
      }
      if (m.idempotency() != MethodModel.Idempotency.UNKNOWN) {
        mb.getOptionsBuilder()
            .setIdempotencyLevel(IdempotencyLevel.valueOf(m.idempotency().name()));
      }
      b.addMethod(mb);
    }
    return b.build();
  }

  private Set<String> messageNames() {
    Set<String> names = new TreeSet<>(messages.keySet());
    names.addAll(containers);
    return names;
  }

  /** The names among {@code names} directly inside {@code parent} ("" for the file), sorted. */
  private static Set<String> children(String parent, Set<String> names) {
    Set<String> out = new TreeSet<>();
    for (String n : names) {
      boolean child =
          parent.isEmpty()
              ? n.indexOf('.') < 0
              : n.startsWith(parent + ".") && n.indexOf('.', parent.length() + 1) < 0;
      if (child) {
        out.add(n);
      }
    }
    return out;
  }

  private static String simple(String protoName) {
    return protoName.substring(protoName.lastIndexOf('.') + 1);
  }

  private DescriptorProto message(String name) {
    DescriptorProto.Builder d = DescriptorProto.newBuilder().setName(simple(name));
    MessageModel m = messages.get(name);
    if (m != null) {
      if (m.kind() == MessageModel.Kind.ONEOF) {
        d.addOneofDecl(OneofDescriptorProto.newBuilder().setName(ProtoGenerator.oneofName(m)));
        for (OneofCase c : m.cases()) {
          FieldDescriptorProto.Builder f =
              field(c.protoName(), c.number(), FieldDescriptorProto.Label.LABEL_OPTIONAL, c.type())
                  .setOneofIndex(0);
          if (c.deprecated()) {
            f.getOptionsBuilder().setDeprecated(true);
          }
          d.addField(f);
        }
      }
      for (FieldModel f : m.fields()) {
        d.addField(field(f, name, d));
      }
      for (Integer n : m.reservedNumbers()) {
        d.addReservedRangeBuilder().setStart(n).setEnd(n + 1);
      }
      d.addAllReservedName(m.reservedNames());
    }
    for (String child : children(name, messageNames())) {
      d.addNestedType(message(child));
    }
    for (String child : children(name, enums.keySet())) {
      d.addEnumType(enumType(enums.get(child)));
    }
    return d.build();
  }

  /**
   * A field of message {@code ownerName}; its map entry message or synthetic oneof is added to
   * {@code owner}.
   */
  private FieldDescriptorProto.Builder field(
      FieldModel f, String ownerName, DescriptorProto.Builder owner) {
    FieldDescriptorProto.Builder b;
    switch (f.label()) {
      case REPEATED ->
          b =
              field(
                  f.protoName(), f.number(), FieldDescriptorProto.Label.LABEL_REPEATED, f.value());
      case MAP -> {
        String entry = mapEntryName(f.protoName());
        owner.addNestedType(
            DescriptorProto.newBuilder()
                .setName(entry)
                .addField(field("key", 1, FieldDescriptorProto.Label.LABEL_OPTIONAL, f.key()))
                .addField(field("value", 2, FieldDescriptorProto.Label.LABEL_OPTIONAL, f.value()))
                .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
        b =
            FieldDescriptorProto.newBuilder()
                .setName(f.protoName())
                .setNumber(f.number())
                .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                .setTypeName(ref(ownerName) + "." + entry)
                .setJsonName(jsonName(f.protoName()));
      }
      case OPTIONAL -> {
        b = field(f.protoName(), f.number(), FieldDescriptorProto.Label.LABEL_OPTIONAL, f.value());
        if (!(f.value() instanceof MessageValue || f.value() instanceof WellKnownValue)) {
          // proto3 `optional`: a synthetic oneof named _field, after the real ones
          int index = owner.getOneofDeclCount();
          owner.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + f.protoName()));
          b.setOneofIndex(index).setProto3Optional(true);
        }
      }
      default ->
          b =
              field(
                  f.protoName(), f.number(), FieldDescriptorProto.Label.LABEL_OPTIONAL, f.value());
    }
    if (f.deprecated()) {
      b.getOptionsBuilder().setDeprecated(true);
    }
    return b;
  }

  private FieldDescriptorProto.Builder field(
      String name, int number, FieldDescriptorProto.Label label, ValueType v) {
    FieldDescriptorProto.Builder b =
        FieldDescriptorProto.newBuilder()
            .setName(name)
            .setNumber(number)
            .setLabel(label)
            .setJsonName(jsonName(name));
    if (v instanceof ScalarValue sv) {
      b.setType(scalarType(sv));
    } else if (v instanceof EnumValue) {
      b.setType(FieldDescriptorProto.Type.TYPE_ENUM).setTypeName(ref(v.protoName()));
    } else {
      b.setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(ref(v.protoName()));
    }
    return b;
  }

  /** The fully qualified reference ({@code .pkg.Post}) to a type the model names. */
  private String ref(String protoName) {
    if (protoName.equals("google.protobuf.Empty")) {
      return "." + protoName;
    }
    for (WellKnown w : WellKnown.values()) {
      if (w.protoName().equals(protoName)) {
        return "." + protoName;
      }
    }
    return prefix + protoName;
  }

  private static FieldDescriptorProto.Type scalarType(ScalarValue v) {
    return switch (v.scalar()) {
      case BOOL -> FieldDescriptorProto.Type.TYPE_BOOL;
      case INT32 -> FieldDescriptorProto.Type.TYPE_INT32;
      case INT64 -> FieldDescriptorProto.Type.TYPE_INT64;
      case FLOAT -> FieldDescriptorProto.Type.TYPE_FLOAT;
      case DOUBLE -> FieldDescriptorProto.Type.TYPE_DOUBLE;
      case STRING -> FieldDescriptorProto.Type.TYPE_STRING;
      case BYTES, BYTE_STRING -> FieldDescriptorProto.Type.TYPE_BYTES;
    };
  }

  private EnumDescriptorProto enumType(EnumModel e) {
    EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(simple(e.protoName()));
    EnumModel.Constant zero = e.zero();
    b.addValue(constant(zero));
    for (EnumModel.Constant c : e.constants()) {
      if (!c.javaName().equals(zero.javaName())) {
        b.addValue(constant(c));
      }
    }
    for (Integer n : e.reservedNumbers()) {
      b.addReservedRangeBuilder().setStart(n).setEnd(n);
    }
    return b.addAllReservedName(e.reservedNames()).build();
  }

  private static EnumValueDescriptorProto constant(EnumModel.Constant c) {
    EnumValueDescriptorProto.Builder b =
        EnumValueDescriptorProto.newBuilder().setName(c.protoName()).setNumber(c.number());
    if (c.deprecated()) {
      b.getOptionsBuilder().setDeprecated(true);
    }
    return b.build();
  }

  /** protoc's json name: {@code per_room} → {@code perRoom}. */
  static String jsonName(String name) {
    StringBuilder out = new StringBuilder(name.length());
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else if (upper) {
        out.append(Character.toUpperCase(c));
        upper = false;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** protoc's name of a map field's entry message: {@code per_room} → {@code PerRoomEntry}. */
  static String mapEntryName(String field) {
    StringBuilder out = new StringBuilder(field.length() + 5);
    boolean upper = true;
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '_') {
        upper = true;
      } else if (upper) {
        out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        upper = false;
      } else {
        out.append(c);
      }
    }
    return out.append("Entry").toString();
  }
}
