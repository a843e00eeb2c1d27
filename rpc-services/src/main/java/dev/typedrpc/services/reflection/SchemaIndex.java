package dev.typedrpc.services.reflection;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import dev.typedrpc.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schemas of a server's services, indexed once: serialized files by name, and by each symbol
 * they define (package-qualified services, methods, messages and enums, nested ones too). The
 * well-known files of protobuf-java ({@code google/protobuf/empty.proto}, ...) are there to resolve
 * dependencies. Immutable.
 */
final class SchemaIndex {
  private final List<String> services;
  private final Map<String, ByteString> files = new HashMap<>();
  private final Map<String, List<String>> dependencies = new HashMap<>();
  private final Map<String, String> fileOfSymbol = new HashMap<>();
  private final Set<String> messages = new LinkedHashSet<>();

  SchemaIndex(List<ServiceDescriptor> descriptors) {
    for (FileDescriptor wellKnown :
        List.of(
            AnyProto.getDescriptor(),
            DurationProto.getDescriptor(),
            EmptyProto.getDescriptor(),
            FieldMaskProto.getDescriptor(),
            StructProto.getDescriptor(),
            TimestampProto.getDescriptor(),
            WrappersProto.getDescriptor())) {
      FileDescriptorProto proto = wellKnown.toProto();
      add(proto, proto.toByteString());
    }
    List<String> names = new ArrayList<>();
    for (ServiceDescriptor d : descriptors) {
      names.add(d.name());
      if (!d.fileDescriptor().isEmpty()) {
        try {
          add(FileDescriptorProto.parseFrom(d.fileDescriptor()), d.fileDescriptor());
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalArgumentException(
              "the file descriptor of " + d.name() + " is not a FileDescriptorProto", e);
        }
      }
    }
    this.services = List.copyOf(names);
  }

  /** The names of the services, in the order given. */
  List<String> services() {
    return services;
  }

  /** Whether {@code name} is a message type of a known file. */
  boolean isMessage(String name) {
    return messages.contains(name);
  }

  /**
   * The file named {@code name} followed by every file it depends on, transitively, or an empty
   * list for an unknown file.
   */
  List<ByteString> fileWithDependencies(String name) {
    if (!files.containsKey(name)) {
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(name));
    while (!todo.isEmpty()) {
      String next = todo.removeFirst();
      if (files.containsKey(next) && seen.add(next)) {
        todo.addAll(dependencies.get(next));
      }
    }
    List<ByteString> out = new ArrayList<>();
    for (String file : seen) {
      out.add(files.get(file));
    }
    return out;
  }

  /** The name of the file defining {@code symbol} (no leading dot), or null. */
  String fileOf(String symbol) {
    return fileOfSymbol.get(symbol);
  }

  private void add(FileDescriptorProto file, ByteString bytes) {
    if (files.putIfAbsent(file.getName(), bytes) != null) {
      return;
    }
    dependencies.put(file.getName(), file.getDependencyList());
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    for (ServiceDescriptorProto s : file.getServiceList()) {
      symbol(prefix + s.getName(), file);
      for (MethodDescriptorProto m : s.getMethodList()) {
        symbol(prefix + s.getName() + "." + m.getName(), file);
      }
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      message(prefix + m.getName(), m, file);
    }
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      symbol(prefix + e.getName(), file);
    }
  }

  private void message(String name, DescriptorProto m, FileDescriptorProto file) {
    symbol(name, file);
    messages.add(name);
    for (DescriptorProto nested : m.getNestedTypeList()) {
      message(name + "." + nested.getName(), nested, file);
    }
    for (EnumDescriptorProto e : m.getEnumTypeList()) {
      symbol(name + "." + e.getName(), file);
    }
  }

  /** The first file to define a symbol keeps it (two services may each define one type). */
  private void symbol(String name, FileDescriptorProto file) {
    fileOfSymbol.putIfAbsent(name, file.getName());
  }
}
