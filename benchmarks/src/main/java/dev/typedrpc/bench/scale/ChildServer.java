package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.ChildJvm;
import dev.typedrpc.bench.driver.Jvms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A server JVM ({@link ScaleServerMain}) this client started, and its line protocol. */
final class ChildServer implements ServerControl {
  private final ChildJvm jvm;

  private ChildServer(ChildJvm jvm) {
    this.jvm = jvm;
  }

  static ChildServer start(ScaleSystem system, List<String> jvmFlags) throws IOException {
    return new ChildServer(
        ChildJvm.start(Jvms.command(jvmFlags, List.of("_scale-server", system.key())), 30));
  }

  @Override
  public int port() {
    return jvm.port();
  }

  private String ask(String command) throws IOException {
    return jvm.ask(command);
  }

  @Override
  public int subscriptions() throws IOException {
    return Integer.parseInt(ask("count"));
  }

  @Override
  public MemorySample memory() throws IOException {
    return MemorySample.parse(ask("memory"));
  }

  @Override
  public ClassHistogram histogram() throws IOException {
    Path file = Files.createTempFile("scale-histogram", ".txt");
    try {
      ask("histogram " + file);
      return ClassHistogram.parse(Files.readString(file, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public Broadcaster.Sent broadcast(long sequence) throws IOException {
    String[] words = ask("broadcast " + sequence).split(" ", -1);
    return new Broadcaster.Sent(
        Long.parseLong(words[0]),
        Long.parseLong(words[1]),
        Integer.parseInt(words[2]),
        Integer.parseInt(words[3]));
  }

  @Override
  public void close() {
    jvm.close();
  }
}
