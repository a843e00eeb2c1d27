package dev.typedrpc.bench.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.typedrpc.bench.codec.proto.CodecProtos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in {@code codec.proto} (compiled by protoc into protobuf-java classes) and the {@code
 * .proto} the typedrpc processor emits for the benchmark's records describe the same messages,
 * field for field, so the codec benchmark cannot drift into comparing different schemas. The
 * emitted file is compiled with the real protoc (copied into target/protoc by the build).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchemaDriftTest {
  private static final String EMITTED = "META-INF/typedrpc/typedrpc.bench.codec.CodecService.proto";
  private static final Path PROTOC = Path.of("target", "protoc");

  @Test
  void emittedSchemaMatchesTheCheckedInOne(@TempDir Path dir) throws Exception {
    FileDescriptor emitted = compile(dir);
    FileDescriptor checkedIn = CodecProtos.getDescriptor();
    assertThat(emitted.getPackage()).isEqualTo(checkedIn.getPackage());
    assertThat(names(emitted.getMessageTypes())).isEqualTo(names(checkedIn.getMessageTypes()));
    for (Descriptor theirs : checkedIn.getMessageTypes()) {
      Descriptor ours = emitted.findMessageTypeByName(theirs.getName());
      assertThat(fields(ours)).as("fields of " + theirs.getName()).isEqualTo(fields(theirs));
    }
  }

  private static List<String> names(List<Descriptor> messages) {
    return messages.stream().map(Descriptor::getName).sorted().toList();
  }

  /** Everything about a field that reaches the wire or the generated API, one line per field. */
  private static List<String> fields(Descriptor message) {
    List<String> fields = new ArrayList<>();
    for (FieldDescriptor f : message.getFields()) {
      String type =
          f.getType() == FieldDescriptor.Type.MESSAGE
              ? f.getMessageType().getFullName()
              : f.getType().name();
      if (f.isMapField()) {
        type = "map<" + fields(f.getMessageType()) + ">";
      }
      fields.add(
          f.getNumber()
              + " "
              + f.getName()
              + " "
              + type
              + (f.isRepeated() ? " repeated" : "")
              + (f.hasPresence() ? " presence" : "")
              + (f.isPacked() ? " packed" : ""));
    }
    return fields;
  }

  private static FileDescriptor compile(Path dir) throws IOException, InterruptedException {
    Path source = dir.resolve("emitted.proto");
    try (InputStream in = SchemaDriftTest.class.getClassLoader().getResourceAsStream(EMITTED)) {
      assertThat(in).as("the processor's output " + EMITTED).isNotNull();
      Files.write(source, in.readAllBytes());
    }
    Path exe = PROTOC.resolve("protoc.exe");
    assertThat(exe.toFile().setExecutable(true)).as("chmod +x " + exe).isTrue();
    Path out = dir.resolve("emitted.pb");
    Process p =
        new ProcessBuilder(
                exe.toString(),
                "-I" + dir,
                "-I" + PROTOC.resolve("include"),
                "--include_imports",
                "--descriptor_set_out=" + out,
                source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("protoc: " + output)
        .isTrue();
    Map<String, FileDescriptor> built = new HashMap<>();
    FileDescriptor last = null;
    for (FileDescriptorProto proto :
        FileDescriptorSet.parseFrom(Files.readAllBytes(out)).getFileList()) {
      FileDescriptor[] deps =
          proto.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
      try {
        last = FileDescriptor.buildFrom(proto, deps);
      } catch (DescriptorValidationException e) {
        throw new AssertionError("protoc output does not build: " + e.getMessage(), e);
      }
      built.put(proto.getName(), last);
    }
    return last;
  }
}
