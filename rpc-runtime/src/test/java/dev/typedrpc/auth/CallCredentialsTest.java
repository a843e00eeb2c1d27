package dev.typedrpc.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials go over TLS, to loopback or in memory; never in cleartext to another host. */
@Timeout(10)
class CallCredentialsTest {
  /** The call as an interceptor sees it; collects the metadata added. */
  private static final class Call implements OutgoingCall {
    private final URI target;
    Metadata added = Metadata.EMPTY;

    Call(String target) {
      this.target = URI.create(target);
    }

    @Override
    public MethodDescriptor<?, ?> method() {
      return null;
    }

    @Override
    public CallOptions options() {
      return CallOptions.DEFAULT;
    }

    @Override
    public Deadline deadline() {
      return null;
    }

    @Override
    public Metadata headers() {
      return added;
    }

    @Override
    public void addHeaders(Metadata headers) {
      added = added.toBuilder().putAll(headers).build();
    }

    @Override
    public URI target() {
      return target;
    }
  }

  private static String sent(ClientInterceptor credentials, String target) {
    Call call = new Call(target);
    credentials.interceptCall(call);
    return call.added.get("authorization");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "wss://api.example.com/rpc",
        "sses://api.example.com/rpc",
        "h2://api.example.com",
        "ws://127.0.0.1:8080/rpc",
        "ws://127.0.0.1:8080,localhost:8081/rpc",
        "h2c://localhost:8080",
        "sse://[::1]:8080/rpc",
        "mem:test"
      })
  void sentOverTlsLoopbackOrInMemory(String target) {
    assertThat(sent(CallCredentials.bearer(() -> "t0k"), target)).isEqualTo("Bearer t0k");
    assertThat(sent(CallCredentials.scheme("ApiKey", () -> "k"), target)).isEqualTo("ApiKey k");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ws://api.example.com/rpc",
        "sse://10.0.0.1:80/rpc",
        "h2c://api.example.com",
        "ws://127.0.0.1:8080,10.0.0.1:8080/rpc"
      })
  void neverInCleartextToAnotherHost(String target) {
    assertThatThrownBy(() -> sent(CallCredentials.bearer(() -> "t0k"), target))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.status().description()).contains("cleartext").doesNotContain("t0k");
            });
  }

  @Test
  void aSupplierWithoutATokenFailsTheCallWithoutQuotingIt() {
    assertThatThrownBy(() -> sent(CallCredentials.bearer(() -> null), "mem:x"))
        .isInstanceOf(RpcException.class);
    assertThatThrownBy(() -> sent(CallCredentials.bearer(() -> "bad\nt0k"), "mem:x"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status().description()).doesNotContain("t0k"));
  }
}
