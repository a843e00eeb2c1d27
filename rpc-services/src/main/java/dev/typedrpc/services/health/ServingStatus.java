package dev.typedrpc.services.health;

/**
 * {@code grpc.health.v1.HealthCheckResponse.ServingStatus}, with the wire numbers of {@code
 * health.proto}.
 */
public enum ServingStatus {
  /** Number 0: the status is not known (also what an unknown number on the wire reads as). */
  UNKNOWN(0),
  /** Number 1: the service accepts calls. */
  SERVING(1),
  /** Number 2: the service does not accept calls (also every answer while the server drains). */
  NOT_SERVING(2),
  /**
   * Number 3: {@code Watch} of a service the health service has no status for (a {@code Check} of
   * it fails with {@code NOT_FOUND} instead). Not settable: {@link HealthService#clearStatus}
   * removes a status.
   */
  SERVICE_UNKNOWN(3);

  private final int number;

  ServingStatus(int number) {
    this.number = number;
  }

  /** The number on the wire. */
  public int number() {
    return number;
  }

  /** The status numbered {@code number}, or {@link #UNKNOWN} for a number this enum lacks. */
  static ServingStatus forNumber(int number) {
    for (ServingStatus s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    return UNKNOWN;
  }
}
