package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * One RPC.
 *
 * @param javaName the interface method name
 * @param schemaName the UpperCamel name on the wire
 * @param constantName the {@code UPPER_SNAKE} name of its {@code MethodDescriptor} constant
 * @param returnType the Java return type, as declared
 * @param params the Java parameters, as declared
 * @param request how parameters become the request message
 * @param requestType the request message's Java type ({@code Void} for Empty)
 * @param requestCodec the class with {@code INSTANCE} for the request
 * @param requestProto the request message's proto name
 * @param resultAdapter how the result type is made from a runtime stream or future, or null
 * @param paramAdapter how the streaming parameter becomes a {@code Flow.Publisher}, or null
 * @param idempotency its {@code @Idempotent}
 * @param access its effective access policy: the method's own, else the interface's
 * @param position the accessor of the response's {@code @Position} component if the method is
 *     {@code @Resumable}, else null
 */
public record MethodModel(
    String javaName,
    String schemaName,
    String constantName,
    CallKind kind,
    Style style,
    TypeName returnType,
    List<Param> params,
    RequestForm request,
    TypeName requestType,
    ClassName requestCodec,
    String requestProto,
    TypeName responseType,
    ClassName responseCodec,
    String responseProto,
    int since,
    boolean deprecated,
    Adapter resultAdapter,
    Adapter paramAdapter,
    Idempotency idempotency,
    Access access,
    String position) {

  public MethodModel {
    params = List.copyOf(params);
  }

  /** Protobuf's {@code idempotency_level}, mirroring {@code dev.typedrpc.Idempotency}. */
  public enum Idempotency {
    UNKNOWN,
    IDEMPOTENT,
    NO_SIDE_EFFECTS;
  }

  /**
   * An access policy, mirroring {@code dev.typedrpc.AccessPolicy}.
   *
   * @param roles the roles of {@code ROLES_ALLOWED}, sorted and distinct; else empty
   */
  public record Access(Kind kind, List<String> roles) {
    public static final Access UNDECLARED = new Access(Kind.UNDECLARED, List.of());

    public Access {
      roles = List.copyOf(roles);
    }

    /** The kinds, as {@code dev.typedrpc.AccessPolicy.Kind} names them. */
    public enum Kind {
      UNDECLARED,
      PERMIT_ALL,
      DENY_ALL,
      ROLES_ALLOWED;
    }
  }

  /** The call kinds, mirroring {@code dev.typedrpc.CallKind}. */
  public enum CallKind {
    UNARY,
    SERVER_STREAMING,
    CLIENT_STREAMING,
    BIDI_STREAMING;
  }

  /** How the Java method returns its result. */
  public enum Style {
    /** {@code R m(..)}. */
    BLOCKING,
    /** {@code void m(..)}. */
    VOID,
    /**
     * {@code CompletableFuture<R>} or {@code CompletionStage<R>}, or an {@link Adapter adapted}
     * single value.
     */
    FUTURE,
    /** {@code Flow.Publisher<R>}, or an {@link Adapter adapted} many-valued type. */
    PUBLISHER;
  }

  /** How the parameters make up the request. */
  public enum RequestForm {
    /** No parameters: {@code google.protobuf.Empty}. */
    EMPTY,
    /** A single message-typed parameter is the request. */
    SINGLE_MESSAGE,
    /** Parameters are the fields of a synthesized record. */
    SYNTHESIZED,
    /** The single {@code Flow.Publisher} parameter's elements are the requests. */
    STREAM;
  }

  /** A Java parameter. */
  public record Param(String name, TypeName type) {}
}
