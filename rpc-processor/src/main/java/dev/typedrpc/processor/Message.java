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
  UNSUPPORTED_TYPE(
      "UnsupportedType",
      "%s has type %s, which is not supported. Use boolean, int, long, float, double (boxed or @Nullable"
          + " for optional), String, byte[], an enum, a record, a sealed interface of records, List<T>,"
          + " Map<K, V>, Optional<T>, java.time.Instant or java.time.Duration."),
  CHECKED_EXCEPTION(
      "CheckedException",
      "RPC methods cannot throw checked exceptions, but %s declares %s. Remove it from the throws clause;"
          + " failures reach callers as RpcException."),
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
          + " Rename one of them or nest it in another type (nested types are named Outer_Inner)."),
  PUBLISHER_PARAMETER(
      "PublisherParameter",
      "A Flow.Publisher parameter is only allowed as the single parameter of a method returning"
          + " CompletableFuture<R> or Flow.Publisher<R>, but %s has it at %s. Make it the only parameter"
          + " and return CompletableFuture<R> (client streaming) or Flow.Publisher<R> (bidi streaming)."),
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

  /** The stable tag, e.g. {@code RpcNotInterface}. */
  public String tag() {
    return tag;
  }

  /** The full text: {@code [Tag] } followed by the formatted message. */
  public String format(Object... args) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, args);
  }
}
