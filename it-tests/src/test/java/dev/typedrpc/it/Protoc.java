package dev.typedrpc.it;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real protoc (copied from Maven Central into target/protoc by the build) over an emitted
 * schema.
 */
final class Protoc {
  private static final Path HOME = Path.of("target", "protoc");

  private Protoc() {}

  /**
   * Compiles the class-path resource {@code META-INF/typedrpc/<service>.proto}; returns its
   * descriptor.
   */
  static FileDescriptor compile(String serviceName, Path workDir) throws Exception {
    String file = serviceName + ".proto";
    Path source = workDir.resolve(file);
    try (InputStream in =
        Protoc.class.getClassLoader().getResourceAsStream("META-INF/typedrpc/" + file)) {
      if (in == null) {
        throw new AssertionError(
            "no emitted schema META-INF/typedrpc/" + file + " on the class path");
      }
      Files.write(source, in.readAllBytes());
    }
    Path exe = HOME.resolve("protoc.exe");
    if (!exe.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + exe + " executable");
    }
    Path out = workDir.resolve(serviceName + ".pb");
    Process p =
        new ProcessBuilder(
                exe.toString(),
                "-I" + workDir,
                "-I" + HOME.resolve("include"),
                "--include_imports",
                "--descriptor_set_out=" + out,
                source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("protoc rejected " + file + ":\n" + output);
    }
    FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(out));
    Map<String, FileDescriptor> built = new HashMap<>();
    FileDescriptor last = null;
    for (FileDescriptorProto proto :
        set.getFileList()) { // --include_imports lists dependencies first
      List<FileDescriptor> deps = proto.getDependencyList().stream().map(built::get).toList();
      last = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
      built.put(proto.getName(), last);
    }
    return last;
  }

  static Descriptors.Descriptor message(FileDescriptor file, String simpleName) {
    Descriptors.Descriptor d = file.findMessageTypeByName(simpleName);
    if (d == null) {
      throw new AssertionError(
          "no message " + simpleName + " in " + file.getName() + ": " + file.getMessageTypes());
    }
    return d;
  }
}
