package dev.typedrpc.bench.scale;

import java.util.ArrayList;
import java.util.List;

/**
 * One measurement: a system, how many connections, and how many subscriptions on each. Written
 * {@code system:CONNECTIONSxSTREAMS}, e.g. {@code ws:10000x1} or {@code grpc:100x100}.
 */
record Scenario(ScaleSystem system, int connections, int streamsPerConnection) {
  /**
   * The runs: WebSocket, SSE and h2c, then gRPC-Java over 100 and over 10,000 connections.
   */
  static final String DEFAULTS =
      "ws:10000x1,sse:2000x1,h2c:100x100,ws:100x100,grpc:100x100,grpc:10000x1";

  Scenario {
    if (connections < 1 || streamsPerConnection < 1) {
      throw new IllegalArgumentException("need at least one connection and one stream");
    }
  }

  static Scenario parse(String spec) {
    int colon = spec.indexOf(':');
    int x = spec.indexOf('x', colon);
    if (colon < 0 || x < 0) {
      throw new IllegalArgumentException(
          "a run is system:CONNECTIONSxSTREAMS, e.g. ws:10000x1; got " + spec);
    }
    return new Scenario(
        ScaleSystem.byName(spec.substring(0, colon)),
        Integer.parseInt(spec.substring(colon + 1, x)),
        Integer.parseInt(spec.substring(x + 1)));
  }

  static List<Scenario> parseAll(String specs) {
    List<Scenario> all = new ArrayList<>();
    for (String spec : specs.split(",", -1)) {
      all.add(parse(spec.trim()));
    }
    return all;
  }

  int streams() {
    return connections * streamsPerConnection;
  }

  @Override
  public String toString() {
    return system.key() + ":" + connections + "x" + streamsPerConnection;
  }
}
