package dev.typedrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A null where the schema has none is the caller's programming error: the stub throws {@link
 * NullPointerException} naming the field before anything is sent, for blocking and async calls
 * alike; a stream element fails its call; a server's null fails the call with {@code INTERNAL}. A
 * cycle fails the size pass with {@link IllegalArgumentException}, never a StackOverflowError. The
 * connection serves later calls. In-memory transport ({@code sources/nulls/Driver.java}).
 */
@Timeout(120)
class NullsAndCyclesTest {
  private static final String OPTIONAL_FIX =
      " is null; declare it @Nullable or Optional to make it optional";
  private static Map<String, Object> r;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void run() throws Exception {
    Compilation compilation =
        TestCompiler.compile(
            List.of(
                JavaFileObjects.forResource("sources/nulls/Notes.java"),
                JavaFileObjects.forResource("sources/nulls/Driver.java")));
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = TestCompiler.classLoader(compilation);
    r = (Map<String, Object>) loader.loadClass("nulls.Driver").getMethod("run").invoke(null);
  }

  private static void npe(String key, String message) {
    assertThat(r.get(key))
        .as(key)
        .isInstanceOf(NullPointerException.class)
        .hasFieldOrPropertyWithValue("message", message);
  }

  @Test
  void jspecifyNullableFieldMayBeNull() {
    assertThat(r.get("ok")).asString().contains("text=hi, nick=null");
  }

  @Test
  void stubThrowsNamingTheField() {
    npe("field", "Notes.Note.text" + OPTIONAL_FIX);
    npe("async", "Notes.Note.text" + OPTIONAL_FIX); // thrown, not a failed future
    npe("serverStream", "Notes.Note.text" + OPTIONAL_FIX);
    npe("request", "the request of nulls.Notes/Save is null");
  }

  @Test
  void elementsKeysValuesNestedMessagesAndOneofs() {
    npe("element", "Notes.Note.tags element is null; a list cannot hold null");
    npe("key", "Notes.Note.counts key is null; a map cannot hold null keys or values");
    npe("value", "Notes.Note.counts value is null; a map cannot hold null keys or values");
    npe("nested", "Notes.Author.name" + OPTIONAL_FIX);
    npe("oneof", "Notes.Note.shape" + OPTIONAL_FIX);
  }

  @Test
  void aNullStreamElementFailsTheCall() {
    assertThat(r.get("clientStream"))
        .isInstanceOf(RpcException.class)
        .asString()
        .contains("Notes.Note.text" + OPTIONAL_FIX);
  }

  @Test
  void aServerNullIsInternalAndTheConnectionServesOn() {
    assertThat(r.get("serverBug")).isInstanceOf(RpcException.class);
    assertThat(((RpcException) r.get("serverBug")).status().code()).isEqualTo(Status.Code.INTERNAL);
    assertThat(r.get("serverCycle")).isInstanceOf(RpcException.class);
    assertThat(((RpcException) r.get("serverCycle")).status().code())
        .isEqualTo(Status.Code.INTERNAL);
    assertThat(r.get("afterwards")).asString().contains("still here");
  }

  @Test
  void aCycleIsAnIllegalArgumentNotAStackOverflow() {
    assertThat(r.get("cycle"))
        .isInstanceOf(IllegalArgumentException.class)
        .asString()
        .contains("Cannot encode Tree: messages nest more than 100 levels deep");
  }
}
