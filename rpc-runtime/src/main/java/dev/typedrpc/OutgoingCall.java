package dev.typedrpc;

/**
 * A call a client is starting, as a {@link ClientInterceptor} sees it: its method, options,
 * deadline and the request metadata, to which the interceptor may add. Valid only during {@link
 * ClientInterceptor#interceptCall}.
 */
public interface OutgoingCall {
  /** The method called. */
  MethodDescriptor<?, ?> method();

  /** The options the call was made with. */
  CallOptions options();

  /**
   * The call's deadline (its options', or that of the server call it is made from), or null if it
   * has none.
   */
  Deadline deadline();

  /** The request metadata so far: the options', plus what earlier interceptors added. */
  Metadata headers();

  /** Adds request metadata, sent with the call after what is there. */
  void addHeaders(Metadata headers);

  /** Adds one text request metadata entry. */
  default void addHeader(String key, String value) {
    addHeaders(Metadata.of(key, value));
  }

  /** The URI of the channel the call goes through. */
  java.net.URI target();
}
