package dev.typedrpc.processor.parse;

import com.google.common.base.CaseFormat;
import java.util.Locale;

/**
 * The proto names of typedrpc before the idiomatic naming ({@code protoNaming} 1): flat message
 * names ({@code RoomEvent_MemberJoined}), field names with each capital a word ({@code URL} →
 * {@code u_r_l}), enum values prefixed with the whole flat enum name. The breaking-change gate
 * compares a baseline written then under these names, so that the renaming by the tool is not
 * reported as the user's.
 */
final class LegacyNames {
  private LegacyNames() {}

  static String field(String javaName) {
    return CaseFormat.LOWER_CAMEL.to(CaseFormat.LOWER_UNDERSCORE, javaName);
  }

  static String enumValue(String flatEnumName, String constant) {
    StringBuilder prefix = new StringBuilder();
    for (String part : flatEnumName.split("_", -1)) {
      if (prefix.length() > 0) {
        prefix.append('_');
      }
      prefix.append(CaseFormat.UPPER_CAMEL.to(CaseFormat.UPPER_UNDERSCORE, part));
    }
    String value =
        constant.equals(constant.toUpperCase(Locale.ROOT))
            ? constant
            : CaseFormat.UPPER_CAMEL.to(CaseFormat.UPPER_UNDERSCORE, Names.upperCamel(constant));
    return prefix + "_" + value;
  }
}
