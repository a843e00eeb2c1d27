package dev.typedrpc.bench.load;

import java.util.List;
import java.util.Set;

/**
 * The peers' table, shown when a run selected one of them: typedrpc WebSocket (A) against
 * RSocket-Java over TCP (G) and over WebSocket (H), and typedrpc's h2c server under gRPC-Java's
 * client (F) against Armeria's gRPC server under the same client (I), with gRPC-Java's own (D) for
 * reference. The targets: A ahead of RSocket-Java on every workload, F ahead of Armeria.
 */
final class PeerTable {
  private static final List<EchoSystem> PEERS =
      List.of(EchoSystem.RSOCKET_TCP, EchoSystem.RSOCKET_WS, EchoSystem.ARMERIA_GRPC);
  private static final List<EchoSystem> COLUMNS =
      List.of(
          EchoSystem.TYPEDRPC_WS,
          EchoSystem.GRPC,
          EchoSystem.GRPC_TO_TYPEDRPC,
          EchoSystem.RSOCKET_TCP,
          EchoSystem.RSOCKET_WS,
          EchoSystem.ARMERIA_GRPC);

  private final ResultTable table;

  PeerTable(ResultTable table) {
    this.table = table;
  }

  /** Whether the run selected a peer (measured, or found not available). */
  static boolean shown(Set<EchoSystem> measured, Set<EchoSystem> unavailable) {
    return PEERS.stream().anyMatch(s -> measured.contains(s) || unavailable.contains(s));
  }

  String toMarkdown() {
    StringBuilder md =
        new StringBuilder(
            "Peers: typedrpc WebSocket (A) against RSocket-Java (G, H); typedrpc's h2c server (F)"
                + " against Armeria's gRPC server (I), both under gRPC-Java's client:\n\n| metric |");
    COLUMNS.forEach(s -> md.append(' ').append(s.letter).append(": ").append(s.title).append(" |"));
    md.append(" A/G | A/H | F/I | I/D | target |\n|---|");
    COLUMNS.forEach(s -> md.append("---:|"));
    md.append("---:|---:|---:|---:|---|\n");
    for (ResultTable.Row row : ResultTable.ROWS) {
      if (COLUMNS.stream().allMatch(s -> table.samples(s, row.key()).isEmpty())) {
        continue;
      }
      md.append("| ").append(row.label()).append(" |");
      for (EchoSystem s : COLUMNS) {
        md.append(' ').append(table.cell(s, row)).append(" |");
      }
      ratio(md, EchoSystem.TYPEDRPC_WS, EchoSystem.RSOCKET_TCP, row);
      ratio(md, EchoSystem.TYPEDRPC_WS, EchoSystem.RSOCKET_WS, row);
      ratio(md, EchoSystem.GRPC_TO_TYPEDRPC, EchoSystem.ARMERIA_GRPC, row);
      ratio(md, EchoSystem.ARMERIA_GRPC, EchoSystem.GRPC, row);
      md.append(' ').append(target(row.key())).append(" |\n");
    }
    return md.toString();
  }

  private void ratio(StringBuilder md, EchoSystem a, EchoSystem b, ResultTable.Row row) {
    md.append(' ').append(table.ratio(a, b, row.key())).append(" |");
  }

  /**
   * "Ahead" on a workload: more calls (or messages) per second, less latency. Heap, CPU, RSS and
   * the open loop (at shares of each system's own maximum) are shown, not targets.
   */
  static String target(String key) {
    if (key.startsWith("open")) {
      return ""; // each system runs at shares of its own maximum
    }
    if (key.endsWith(".rate")) {
      return "A/G, A/H > 1; F/I > 1";
    }
    if (key.endsWith("us") && !key.contains("sendLag")) {
      return "A/G, A/H < 1; F/I < 1";
    }
    return "";
  }
}
