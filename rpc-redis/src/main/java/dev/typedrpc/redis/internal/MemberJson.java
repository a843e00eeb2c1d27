package dev.typedrpc.redis.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.PresenceState;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member as JSON: {@code {"id":…,"state":"ONLINE","attributes":{…}}}, attributes sorted by name
 * so that one member always has one text (the scripts compare texts to skip unchanged updates).
 */
public final class MemberJson {
  private static final JsonFactory JSON = new JsonFactory();

  private MemberJson() {}

  public static String encode(Member member) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", member.id());
      g.writeStringField("state", member.state().name());
      g.writeObjectFieldStart("attributes");
      for (Map.Entry<String, String> e : new TreeMap<>(member.attributes()).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The member {@code json} describes.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Member decode(String json) {
    String id = null;
    PresenceState state = null;
    Map<String, String> attributes = new HashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = text(p, value);
          case "state" -> state = PresenceState.valueOf(text(p, value));
          case "attributes" -> {
            expect(value, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              attributes.put(name, text(p, p.nextToken()));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a member: " + e.getMessage(), e);
    }
    if (id == null || state == null) {
      throw new IllegalArgumentException("not a member: no id or state");
    }
    return new Member(id, state, attributes);
  }

  private static String text(JsonParser p, JsonToken token) throws IOException {
    expect(token, JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static void expect(JsonToken got, JsonToken wanted) {
    if (got != wanted) {
      throw new IllegalArgumentException("not a member: " + got + " where " + wanted + " belongs");
    }
  }
}
