package dev.typedrpc.processor.parse;

import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.TypeElement;

/**
 * File options of the emitted {@code .proto} ({@code go_package}, {@code java_package}, ...), from
 * the processor options {@code -Atypedrpc.proto.<option>=<template>}. A template may name parts of
 * each service's schema name, so one compiler argument serves every service of a module: {@code
 * {package}} ({@code acme.chat}), {@code {package_path}} ({@code acme/chat}), {@code
 * {package_last}} ({@code chat}) and {@code {service}} ({@code ChatService}).
 */
public final class ProtoOptions {
  /** The processor option prefix. */
  public static final String PREFIX = "typedrpc.proto.";

  /** The file options that may be set: the string-valued language options of descriptor.proto. */
  public static final List<String> NAMES =
      List.of(
          "csharp_namespace",
          "go_package",
          "java_outer_classname",
          "java_package",
          "objc_class_prefix",
          "php_metadata_namespace",
          "php_namespace",
          "ruby_package",
          "swift_prefix");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  private ProtoOptions() {}

  /** The options of one service, or an error on {@code service} for an unusable value. */
  static Map<String, String> of(
      Map<String, String> processorOptions,
      String protoPackage,
      String serviceName,
      TypeElement service,
      Diagnostics diagnostics) {
    Map<String, String> out = new TreeMap<>();
    for (String name : NAMES) {
      String template = processorOptions.get(PREFIX + name);
      if (template == null || template.isEmpty()) {
        continue;
      }
      String value = expand(template, protoPackage, serviceName);
      String problem = problem(template, value);
      if (problem != null) {
        diagnostics.error(service, Message.PROTO_OPTION_INVALID, PREFIX + name, template, problem);
      } else {
        out.put(name, value);
      }
    }
    return out;
  }

  private static String expand(String template, String protoPackage, String serviceName) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "package" -> protoPackage;
            case "package_path" -> protoPackage.replace('.', '/');
            case "package_last" -> protoPackage.substring(protoPackage.lastIndexOf('.') + 1);
            case "service" -> serviceName;
            default -> null;
          };
      if (value == null) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String problem(String template, String value) {
    if (value == null) {
      Matcher m = PLACEHOLDER.matcher(template);
      String unknown = "";
      while (m.find()) {
        if (!List.of("package", "package_path", "package_last", "service").contains(m.group(1))) {
          unknown = m.group();
          break;
        }
      }
      return "it names "
          + unknown
          + ", but the placeholders are {package}, {package_path}, {package_last} and {service}";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        return "it contains a quote, a backslash or a control character";
      }
    }
    return null;
  }
}
