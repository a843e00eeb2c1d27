package bytes;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ByteString fields keep a record's equals working (byte[] ones compare by identity). */
public record Blob(
    String name,
    ByteString data,
    List<ByteString> parts,
    Optional<ByteString> extra,
    Map<String, ByteString> named) {}
