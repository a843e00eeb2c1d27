package dev.typedrpc;

/** How many messages flow each way in a call. */
public enum CallKind {
  /** One request, one response. */
  UNARY,
  /** One request, a stream of responses. */
  SERVER_STREAMING,
  /** A stream of requests, one response. */
  CLIENT_STREAMING,
  /** Streams both ways. */
  BIDI_STREAMING;

  /** Whether the client may send more than one message. */
  public boolean clientSendsMany() {
    return this == CLIENT_STREAMING || this == BIDI_STREAMING;
  }

  /** Whether the server may send more than one message. */
  public boolean serverSendsMany() {
    return this == SERVER_STREAMING || this == BIDI_STREAMING;
  }
}
