package dev.typedrpc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One paragraph describing where the numbers were measured. */
final class MachineInfo {
  private MachineInfo() {}

  static String describe(List<String> childJvmFlags) {
    return String.format(
        "Machine: %d cores (%s), %s memory; %s %s; child JVM flags: `%s`; harness JVM: `%s`.%n",
        Runtime.getRuntime().availableProcessors(),
        procLine("/proc/cpuinfo", "model name"),
        procLine("/proc/meminfo", "MemTotal"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        String.join(" ", childJvmFlags),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** The value of the first line of {@code file} that starts with {@code key}, or "unknown". */
  private static String procLine(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }
}
