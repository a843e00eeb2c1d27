package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.Element;

/**
 * One message type of a service.
 *
 * @param javaType the Java type a codec of this message reads and writes
 * @param simpleName the Java name used in null-check messages, e.g. {@code Post} or {@code
 *     Outer.Inner}
 * @param fields the fields (empty for {@link Kind#ONEOF})
 * @param cases the {@code oneof} cases of a {@link Kind#ONEOF}, in {@code permits} order
 * @param unrecognized the {@code @Unrecognized (int fieldNumber, byte[] bytes)} record an unknown
 *     case of a {@link Kind#ONEOF} decodes to, or null (then an unknown case fails the decode)
 * @param origin the element the message comes from, for the Filer (the method for synthesized ones)
 */
public record MessageModel(
    Kind kind,
    TypeName javaType,
    String simpleName,
    String protoName,
    ClassName codec,
    List<FieldModel> fields,
    List<OneofCase> cases,
    List<Integer> reservedNumbers,
    List<String> reservedNames,
    ClassName unrecognized,
    Element origin) {

  public MessageModel {
    fields = List.copyOf(fields);
    cases = List.copyOf(cases);
    reservedNumbers = List.copyOf(reservedNumbers);
    reservedNames = List.copyOf(reservedNames);
  }

  /** Where a message comes from. */
  public enum Kind {
    /** A user record. */
    RECORD,
    /** A sealed interface of records: one {@code oneof}. */
    ONEOF,
    /** A request record nested in {@code <Iface>Rpc}, one field per parameter. */
    SYNTHESIZED_RECORD,
    /**
     * {@code <Method>Response/Request { T value = 1; }} whose codec reads and writes {@code T}
     * itself.
     */
    VALUE_WRAPPER;
  }

  /** One case of a {@code oneof}: a record subtype of the sealed interface. */
  public record OneofCase(
      String protoName, int number, int since, ValueType.MessageValue type, boolean deprecated) {}
}
