package dev.typedrpc;

import dev.typedrpc.spi.MessageCodec;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Describes one remote method: its names, its {@link CallKind}, the codecs of its request and
 * response messages, its {@link Idempotency} and {@link AccessPolicy}, and for a resumable stream
 * how to read an event's position. Generated code creates one constant per method; immutable and
 * thread-safe.
 *
 * @param <Req> the request message type (for client streaming: the type of each request)
 * @param <Resp> the response message type (for server streaming: the type of each response)
 */
public final class MethodDescriptor<Req, Resp> {
  private final String serviceName;
  private final String methodName;
  private final String fullName;
  private final CallKind kind;
  private final MessageCodec<Req> requestCodec;
  private final MessageCodec<Resp> responseCodec;
  private final int since;
  private final Idempotency idempotency;
  private final AccessPolicy accessPolicy;
  private final ToLongFunction<Resp> resumePosition;

  private MethodDescriptor(
      String serviceName,
      String methodName,
      CallKind kind,
      MessageCodec<Req> requestCodec,
      MessageCodec<Resp> responseCodec,
      int since,
      Idempotency idempotency,
      AccessPolicy accessPolicy,
      ToLongFunction<Resp> resumePosition) {
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    this.methodName = Objects.requireNonNull(methodName, "methodName");
    this.fullName = serviceName + "/" + methodName;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.requestCodec = Objects.requireNonNull(requestCodec, "requestCodec");
    this.responseCodec = Objects.requireNonNull(responseCodec, "responseCodec");
    if (since < 1) {
      throw new IllegalArgumentException("since must be 1 or more, was " + since);
    }
    this.since = since;
    this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
    this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
    if (resumePosition != null && kind != CallKind.SERVER_STREAMING) {
      throw new IllegalArgumentException("only a server-streaming method is resumable: " + this);
    }
    this.resumePosition = resumePosition;
  }

  /**
   * A method descriptor.
   *
   * @param serviceName the fully qualified service name, e.g. {@code chat.ChatService}
   * @param methodName the method's name in the schema, e.g. {@code PostMessage}
   */
  public static <Req, Resp> MethodDescriptor<Req, Resp> of(
      String serviceName,
      String methodName,
      CallKind kind,
      MessageCodec<Req> requestCodec,
      MessageCodec<Resp> responseCodec) {
    return of(serviceName, methodName, kind, requestCodec, responseCodec, 1);
  }

  /**
   * A method descriptor for a method introduced in service version {@code since} ({@code @Since});
   * a client talking to a server of an older version fails such a call at once instead of sending
   * it.
   */
  public static <Req, Resp> MethodDescriptor<Req, Resp> of(
      String serviceName,
      String methodName,
      CallKind kind,
      MessageCodec<Req> requestCodec,
      MessageCodec<Resp> responseCodec,
      int since) {
    return new MethodDescriptor<>(
        serviceName,
        methodName,
        kind,
        requestCodec,
        responseCodec,
        since,
        Idempotency.UNKNOWN,
        AccessPolicy.UNDECLARED,
        null);
  }

  /**
   * This descriptor with another idempotency ({@code @Idempotent}); an idempotent method is retried
   * by default (see {@link RetryPolicy}).
   */
  public MethodDescriptor<Req, Resp> withIdempotency(Idempotency idempotency) {
    return new MethodDescriptor<>(
        serviceName,
        methodName,
        kind,
        requestCodec,
        responseCodec,
        since,
        idempotency,
        accessPolicy,
        resumePosition);
  }

  /**
   * This descriptor with another access policy ({@code @RolesAllowed}, {@code @PermitAll},
   * {@code @DenyAll}), which servers enforce.
   */
  public MethodDescriptor<Req, Resp> withAccessPolicy(AccessPolicy accessPolicy) {
    return new MethodDescriptor<>(
        serviceName,
        methodName,
        kind,
        requestCodec,
        responseCodec,
        since,
        idempotency,
        accessPolicy,
        resumePosition);
  }

  /**
   * This descriptor for a {@code @Resumable} server-streaming method: {@code position} reads the
   * position of a response (its {@code @Position} component). Its client resumes a stream that
   * fails with a retriable status after the last position delivered (see {@code docs/SCALING.md}).
   *
   * @throws IllegalArgumentException if the method is not server streaming
   */
  public MethodDescriptor<Req, Resp> withResumePosition(ToLongFunction<Resp> position) {
    return new MethodDescriptor<>(
        serviceName,
        methodName,
        kind,
        requestCodec,
        responseCodec,
        since,
        idempotency,
        accessPolicy,
        Objects.requireNonNull(position, "position"));
  }

  public String serviceName() {
    return serviceName;
  }

  public String methodName() {
    return methodName;
  }

  /**
   * {@code service/method}, e.g. {@code chat.ChatService/PostMessage}: the name calls travel under.
   */
  public String fullName() {
    return fullName;
  }

  public CallKind kind() {
    return kind;
  }

  public MessageCodec<Req> requestCodec() {
    return requestCodec;
  }

  public MessageCodec<Resp> responseCodec() {
    return responseCodec;
  }

  /** The service version that introduced this method (1 unless {@code @Since} says otherwise). */
  public int since() {
    return since;
  }

  /**
   * Whether the method may be repeated ({@code @Idempotent}); {@link Idempotency#UNKNOWN} if not
   * said.
   */
  public Idempotency idempotency() {
    return idempotency;
  }

  /** Who may call the method, as the service interface declares it. */
  public AccessPolicy accessPolicy() {
    return accessPolicy;
  }

  /** How to read a response's position if the method is {@code @Resumable}, else {@code null}. */
  public ToLongFunction<Resp> resumePosition() {
    return resumePosition;
  }

  @Override
  public String toString() {
    return fullName + " (" + kind + ")";
  }
}
