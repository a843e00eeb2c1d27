package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.ClientMain;
import dev.typedrpc.bench.driver.EchoEndpoints;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.driver.ServerMain;
import java.util.ArrayList;
import java.util.List;

/** The end-to-end benchmark's entry points, for {@code BenchMain}. */
public final class LoadRunner {
  private LoadRunner() {}

  /** Runs every round; returns the result table in Markdown. */
  public static String run(LoadOptions options) throws Exception {
    return new Orchestrator(options).run();
  }

  /** The flags every child JVM gets. */
  public static List<String> childJvmFlags(LoadOptions options) {
    List<String> flags = new ArrayList<>(LoadOptions.BASE_JVM_FLAGS);
    flags.addAll(options.jvmArgs());
    return flags;
  }

  /** Runs a child JVM's part: {@code _server <letter>} or {@code _client <letter> [options]}. */
  public static void child(String command, List<String> args) throws Exception {
    EchoEndpoints system = new SystemEndpoints(EchoSystem.byLetter(args.get(0)));
    if (command.equals("_server")) {
      ServerMain.run(system);
    } else {
      ClientMain.run(system, LoadOptions.parse(args.subList(1, args.size())));
    }
  }
}
