package dev.typedrpc.processor;

import java.util.Locale;

/**
 * Every diagnostic the processor reports. Texts read <em>rule → offender → fix</em> behind a stable
 * {@code [Tag]}; arguments are {@link String#format} arguments.
 */
public enum Message {
  RPC_NOT_INTERFACE(
      "RpcNotInterface",
      "@RpcService applies to interfaces, but %s is a %s. Declare it as 'interface %s'."),
  GENERIC_SERVICE(
      "GenericService",
      "A service interface cannot have type parameters, but %s declares %s. Remove them and use concrete"
          + " types."),
  GENERIC_METHOD(
      "GenericMethod",
      "RPC methods cannot have type parameters, but %s declares %s. Use concrete types."),
  OVERLOADED_METHOD(
      "OverloadedMethod",
      "RPC method names must be unique, but %s is declared more than once. Rename one of them."),
  ADAPTER_MISSING(
      "AdapterMissing",
      "%s uses %s, which typedrpc supports through %s, but that class is not on the class path. Add the"
          + " dependency %s to the project."),
  UNSUPPORTED_TYPE(
      "UnsupportedType",
      "%s has type %s, which is not supported. Use boolean, int, long, float, double (boxed or"
          + " @Nullable for optional), String, byte[] or com.google.protobuf.ByteString, an enum, a"
          + " non-generic record, a sealed interface of records, List<T>, Map<K, V>, Optional<T>,"
          + " java.time.Instant or java.time.Duration (see docs/TYPES.md)."),
  CHECKED_EXCEPTION(
      "CheckedException",
      "RPC methods cannot throw checked exceptions, but %s declares %s. Remove it from the throws clause;"
          + " failures reach callers as RpcException."),
  ACCESS_POLICY_CONFLICT(
      "AccessPolicyConflict",
      "An element may declare one access policy, but %s has both @%s and @%s, which contradict each"
          + " other. Keep one: @PermitAll (any caller), @DenyAll (no caller) or @RolesAllowed (callers"
          + " holding one of its roles); a method's own annotation overrides its interface's."),
  ROLES_ALLOWED_EMPTY(
      "RolesAllowedEmpty",
      "@RolesAllowed must list at least one role, but the one on %s lists none, which would let no"
          + " caller in. List the roles, or write @DenyAll if no one may call it."),
  ROLE_BLANK(
      "RoleBlank",
      "Role names must not be blank, but @RolesAllowed on %s lists \"%s\", which no principal"
          + " holds. Remove it or write the role's name."),
  ANNOTATION_ON_NON_RPC(
      "AnnotationOnNonRpc",
      "@%s applies to RPC methods (the abstract methods of an @RpcService interface), but %s is a %s"
          + " method, which is not called remotely, so it would have no effect. Remove the annotation,"
          + " or put it on the RPC this method calls."),
  RESUMABLE_NOT_SERVER_STREAMING(
      "ResumableNotServerStreaming",
      "@Resumable applies to server-streaming methods (one request, a Flow.Publisher or other stream of"
          + " responses), but %s is %s. Remove @Resumable, or return a stream of events."),
  RESUMABLE_RESPONSE_NOT_RECORD(
      "ResumableResponseNotRecord",
      "A @Resumable method's response must be a record with one @Position long component, but %s"
          + " streams %s. Stream a record such as 'record Event(@Position long position, ...)'."),
  POSITION_MISSING(
      "PositionMissing",
      "A @Resumable method's response record must mark its position, but %s has no @Position"
          + " component. Add one, e.g. '@Position long position', that increases with each event."),
  POSITION_DUPLICATE(
      "PositionDuplicate",
      "A resumable event has one position, but %s marks both %s and %s with @Position. Keep @Position"
          + " on one component."),
  POSITION_NOT_LONG(
      "PositionNotLong",
      "@Position must be on a component of type long (primitive), but %s has type %s. Declare it as"
          + " 'long'."),
  DUPLICATE_FIELD_NUMBER(
      "DuplicateFieldNumber",
      "Field numbers must be unique within a message, but %s reuses number %d of %s. Give it an unused"
          + " @Field number."),
  FIELD_NUMBER_OUT_OF_RANGE(
      "FieldNumberOutOfRange",
      "Field numbers must be in 1..536870911, but %s has %d. Use a number in that range."),
  FIELD_NUMBER_IN_RESERVED_RANGE(
      "FieldNumberReservedRange",
      "Field numbers 19000..19999 are reserved by Protocol Buffers, but %s has %d. Use another number."),
  RESERVED_NUMBER_REUSED(
      "ReservedNumberReused",
      "Numbers listed in @Reserved must not be reused, but %s has number %d, reserved by %s. Use another"
          + " number."),
  RESERVED_NAME_REUSED(
      "ReservedNameReused",
      "Names listed in @Reserved must not be reused, but %s is reserved by %s. Choose another name."),
  SINCE_ABOVE_VERSION(
      "SinceAboveVersion",
      "@Since must not exceed the service version, but %s has @Since(%d) and %s is version %d. Raise"
          + " @RpcService(version = ...) or lower @Since."),
  ENUM_NO_ZERO(
      "EnumNoZero",
      "An enum needs a constant numbered 0 (its default value), but %s has none. Number one constant"
          + " @Field(0), or declare the default constant first."),
  DUPLICATE_ENUM_NUMBER(
      "DuplicateEnumNumber",
      "Enum numbers must be unique, but %s reuses number %d of %s. Give it an unused @Field number."),
  SEALED_NON_RECORD(
      "SealedNonRecord",
      "Every permitted subtype of a sealed message interface must be a record, but %s permits %s. Make it"
          + " a record."),
  INTERFACE_NOT_SEALED(
      "InterfaceNotSealed",
      "An interface used as a message must be sealed with record subtypes, but %s (used by %s) is not."
          + " Declare it 'sealed interface %s permits ...'."),
  RECURSIVE_RECORD(
      "RecursiveRecord",
      "A record cannot contain itself without indirection, but %s reaches %s again through non-optional"
          + " fields. Make %s Optional<...>, @Nullable, or a List/Map."),
  UNSUPPORTED_MAP_KEY(
      "UnsupportedMapKey",
      "Map keys must be String, Integer, Long or Boolean, but %s has key type %s. Use one of those."),
  NESTED_COLLECTION(
      "NestedCollection",
      "Lists, maps and Optionals cannot nest, but %s has type %s. Wrap the inner collection in a record."),
  SYNTHESIZED_NAME_CLASH(
      "SynthesizedNameClash",
      "Synthesized message names must not clash with message types, but method %s needs message %s, which"
          + " %s already uses. Rename the method or the type."),
  PROTO_NAME_CLASH(
      "ProtoNameClash",
      "Message and enum types of one service need distinct proto names, but %s and %s are both named %s."
          + " Rename one of them, or nest it in a record or sealed interface (nested types are named"
          + " Outer.Inner)."),
  PROTO_FIELD_NAME_CLASH(
      "ProtoFieldNameClash",
      "Fields of a message need distinct proto names, but %s and %s of %s are both named %s in the"
          + " .proto (names are lower_snake_case). Rename one of them."),
  PROTO_JSON_NAME_CLASH(
      "ProtoJsonNameClash",
      "Fields of a message need distinct JSON names, but %s (%s) and %s (%s) of %s both have the JSON"
          + " name %s. Rename one of them."),
  PROTO_RESERVED_FIELD_NAME(
      "ProtoReservedFieldName",
      "Names listed in @Reserved must not be reused, but %s is named %s in the .proto, which %s"
          + " reserves (as %s). Choose another name."),
  PROTO_ENUM_VALUE_CLASH(
      "ProtoEnumValueClash",
      "Enum values are siblings of their enum in the schema (C++ scoping), so they must be unique in"
          + " %s, but %s and %s are both named %s. Rename one of the constants."),
  PROTO_SERVICE_NAME_CLASH(
      "ProtoServiceNameClash",
      "The service and its top-level message and enum types share one scope, but %s is named %s,"
          + " like the service. Rename the type, or name the service differently with"
          + " @RpcService(name = ...)."),
  PROTO_NESTED_NAME_CLASH(
      "ProtoNestedNameClash",
      "A nested type is named after its enclosing type, but %s would be nested in %s, which is %s"
          + " in this service. Rename one of them."),
  PROTO_OPTION_INVALID(
      "ProtoOptionInvalid",
      "The processor option -A%s=%s is not a valid value: %s. Fix the option in the compiler"
          + " arguments."),
  PUBLISHER_PARAMETER(
      "PublisherParameter",
      "A stream parameter (Flow.Publisher, Flux, Flowable) is only allowed as the single parameter of a"
          + " method returning CompletableFuture<R>, Flow.Publisher<R> or their Reactor/RxJava"
          + " counterparts (not a blocking Stream<R>), but %s has it at %s. Make it the only parameter"
          + " and return CompletableFuture<R> (client streaming) or Flow.Publisher<R> (bidi streaming)."),
  METHOD_NAME_CLASH(
      "MethodNameClash",
      "Each RPC method needs its own descriptor constant and schema name, but %s maps to %s, which %s"
          + " already uses. Rename the method."),
  INHERITED_METHOD(
      "InheritedMethod",
      "RPC methods must be declared in the service interface itself, so that their order and schema"
          + " are fixed there, but %s inherits abstract method %s from %s. Redeclare it in %s, or give"
          + " it a default body."),
  INACCESSIBLE_TYPE(
      "InaccessibleType",
      "Generated code must reach every service and message type from its package, but %s is %s."
          + " Make it package-private or public."),
  SINCE_BELOW_ONE(
      "SinceBelowOne",
      "Versions start at 1, but %s has @Since(%d). Use @Since(1) or more (or remove it: 1 is the"
          + " default)."),
  NOT_ABSENT_TOLERANT(
      "NotAbsentTolerant",
      "A field added after version 1 must tolerate being absent (older peers do not send it), but %s"
          + " has @Since(%d) and type %s. Make it Optional<...>, @Nullable or boxed, a List or Map, or"
          + " a primitive, String, byte[] or enum (absent reads as 0, \"\", empty or the constant"
          + " numbered 0)."),
  DUPLICATE_UNRECOGNIZED(
      "DuplicateUnrecognized",
      "A type has at most one @Unrecognized fallback, but %s declares %s and %s. Keep one."),
  UNRECOGNIZED_SHAPE(
      "UnrecognizedShape",
      "An @Unrecognized subtype of a sealed message interface keeps an unknown oneof case, so its"
          + " components must be exactly (int fieldNumber, byte[] bytes), but %s has (%s). Declare it"
          + " 'record %s(int fieldNumber, byte[] bytes)'."),
  UNRECOGNIZED_NUMBERED(
      "UnrecognizedNumbered",
      "An @Unrecognized enum constant has no wire number, but %s has @Field. Remove @Field."),
  INACCESSIBLE_FROM_SERVICE(
      "InaccessibleFromService",
      "A service's generated codecs live in the service's package and must reach every message type"
          + " from there, but %s (package %s) is %s, and the service is in package %s. Make %s"
          + " public, or move the service into its package."),
  GENERATED_NAME_CLASH(
      "GeneratedNameClash",
      "The processor generates %s for service %s, but %s. Rename the existing type, or rename or"
          + " move the service interface."),
  DUPLICATE_SERVICE_NAME(
      "DuplicateServiceName",
      "Service names must be unique within a compilation (each names the files"
          + " META-INF/typedrpc/<name>.proto and .json), but %s and %s are both named %s. Give one"
          + " of them another @RpcService(name = ...)."),
  BASELINE_UNREADABLE(
      "BaselineUnreadable",
      "The baseline descriptor %s cannot be read: %s. Restore it from the last release, or delete it"
          + " if %s was never released."),
  UNKNOWN_BREAKING_RULE(
      "UnknownBreakingRule",
      "@AcceptBreakingChange must name a rule of the baseline check, but %s names \"%s\". Use one of:"
          + " %s."),
  BREAKING_CHANGE_ACCEPTED(
      "BreakingChangeAccepted",
      "%s is accepted on %s by @AcceptBreakingChange(reason = \"%s\"): %s"),
  SERVICE_RENAMED(
      "SERVICE_RENAMED",
      "Breaking change: the service was released as %s (baseline %s), but %s is now named %s; old"
          + " clients call the old name. Keep @RpcService(name = \"%s\"), or accept the rename."),
  VERSION_NOT_BUMPED(
      "VERSION_NOT_BUMPED",
      "The service version must grow when the schema grows, but %s is version %d and the baseline"
          + " is version %d%s. Set @RpcService(version = %d)."),
  SINCE_MISSING(
      "SINCE_MISSING",
      "Elements added after the baseline (version %d) must say when, but %s is new and has"
          + " @Since(%d). Annotate it @Since(%d)."),
  METHOD_NO_DELETE(
      "METHOD_NO_DELETE",
      "Breaking change: method %s of %s (since version %d) was removed; clients of the released"
          + " version still call it. Restore it, or retire it for good by adding its name to the"
          + " service's @Reserved(names)."),
  METHOD_CALL_KIND_CHANGED(
      "METHOD_CALL_KIND_CHANGED",
      "Breaking change: method %s was %s and is now %s; released peers use the old call shape."
          + " Restore the signature and add a new method instead."),
  METHOD_REQUEST_TYPE_CHANGED(
      "METHOD_REQUEST_TYPE_CHANGED",
      "Breaking change: the request of method %s was message %s and is now %s. Restore the"
          + " parameters (add new ones as @Since fields of the request), or add a new method."),
  METHOD_RESPONSE_TYPE_CHANGED(
      "METHOD_RESPONSE_TYPE_CHANGED",
      "Breaking change: the response of method %s was message %s and is now %s. Restore the result"
          + " type, or add a new method."),
  FIELD_NO_DELETE_UNLESS_RESERVED(
      "FIELD_NO_DELETE_UNLESS_RESERVED",
      "Breaking change: field %s = %d of message %s was deleted without reserving its %s, so a later"
          + " field could reuse it and misread old data. Add %s to the @Reserved of %s."),
  FIELD_NUMBER_REUSED(
      "FIELD_NUMBER_REUSED",
      "Breaking change: %s uses number %d, which %s in the baseline; released peers read it as that"
          + " field. Give %s an unused @Field number."),
  FIELD_RENUMBERED(
      "FIELD_RENUMBERED",
      "Breaking change: %s was number %d and is now %d; released peers look for it at %d. Restore"
          + " @Field(%d)."),
  FIELD_WIRE_INCOMPATIBLE_TYPE(
      "FIELD_WIRE_INCOMPATIBLE_TYPE",
      "Breaking change: %s (number %d) was %s and is now %s, which is not wire-compatible. Restore"
          + " the type, or add a new field with a new number and reserve this one."),
  FIELD_CARDINALITY_CHANGED(
      "FIELD_CARDINALITY_CHANGED",
      "Breaking change: %s (number %d) was %s and is now %s; released peers encode it differently."
          + " Restore it, or add a new field with a new number and reserve this one."),
  FIELD_PRESENCE_CHANGED(
      "FIELD_PRESENCE_CHANGED",
      "Breaking change: %s (number %d) had no presence (released peers omit its default value) and"
          + " is now %s, so a sent 0, \"\" or false would read as absent. Keep it %s, or add a new"
          + " optional field."),
  FIELD_RENAMED(
      "FIELD_RENAMED",
      "JSON-breaking change: field %d of %s was named %s and is now %s; the binary wire format is"
          + " unaffected, but JSON and text readers use names. Restore the name, or accept the"
          + " rename."),
  ENUM_VALUE_NO_DELETE_UNLESS_RESERVED(
      "ENUM_VALUE_NO_DELETE_UNLESS_RESERVED",
      "Breaking change: enum value %s = %d of %s was deleted without reserving its %s. Add %s to the"
          + " @Reserved of %s."),
  ENUM_VALUE_RENUMBERED(
      "ENUM_VALUE_RENUMBERED",
      "Breaking change: enum value %s was number %d and is now %d; released peers read %d as"
          + " another value. Restore @Field(%d)."),
  ENUM_VALUE_RENAMED(
      "ENUM_VALUE_RENAMED",
      "JSON-breaking change: number %d of enum %s was named %s and is now %s; JSON readers use"
          + " names. Restore the name, or accept the rename."),
  ONEOF_CASE_NO_DELETE_UNLESS_RESERVED(
      "ONEOF_CASE_NO_DELETE_UNLESS_RESERVED",
      "Breaking change: subtype %s (oneof case %d) of %s was removed without reserving its %s;"
          + " released peers still send it. Add %s to the @Reserved of %s."),
  ONEOF_CASE_RENUMBERED(
      "ONEOF_CASE_RENUMBERED",
      "Breaking change: subtype %s was oneof case %d and is now %d; released peers send it as %d."
          + " Restore @Field(%d)."),
  PROCESSOR_BUG(
      "ProcessorBug",
      "The typedrpc processor crashed on %s: %s. This is a bug in typedrpc; please report it with this"
          + " stack trace: %s");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /**
   * Whether this is a rule of the baseline check (its tag is its {@code UPPER_SNAKE} name), which
   * {@code @AcceptBreakingChange(rule = ...)} may name.
   */
  public boolean isBreakingRule() {
    return tag.equals(name());
  }

  /** Whether the rule only breaks JSON (names), so it is a warning rather than an error. */
  public boolean isWarning() {
    return this == FIELD_RENAMED || this == ENUM_VALUE_RENAMED;
  }

  /** The stable tag, e.g. {@code RpcNotInterface}. */
  public String tag() {
    return tag;
  }

  /** The full text: {@code [Tag] } followed by the formatted message. */
  public String format(Object... args) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, args);
  }
}
