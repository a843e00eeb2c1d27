package dev.typedrpc.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallObserver;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.auth.RateLimits;
import dev.typedrpc.testing.TestCodecs;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limiter on a clock the test drives: pushback values, refunds, memory under many callers. */
@Timeout(30)
class RateLimiterTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final MethodDescriptor<String, String> A =
      MethodDescriptor.of("t.S", "A", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> B =
      MethodDescriptor.of("t.S", "B", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);

  private final long[] now = {0};

  /** A call as the server sees it, with a principal (null: anonymous) and a peer. */
  private static final class Call extends RpcContext {
    private final MethodDescriptor<?, ?> method;
    private final String peer;

    Call(MethodDescriptor<?, ?> method, String principal, String peer) {
      this.method = method;
      this.peer = peer;
      if (principal != null) {
        put(Principal.KEY, Principal.of(principal));
      }
    }

    @Override
    public MethodDescriptor<?, ?> method() {
      return method;
    }

    @Override
    public Metadata headers() {
      return Metadata.EMPTY;
    }

    @Override
    public Deadline deadline() {
      return null;
    }

    @Override
    public String peer() {
      return peer;
    }

    @Override
    public ServiceVersion clientService() {
      return null;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Status cancellationStatus() {
      return null;
    }

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void setTrailers(Metadata trailers) {}

    @Override
    public void setCompression(String name) {}

    @Override
    public String transport() {
      return "mem";
    }

    @Override
    public void addCancelListener(Runnable listener) {}
  }

  private static long pushback(RateLimiter limiter, RpcContext call) {
    RpcException[] e = new RpcException[1];
    assertThatThrownBy(() -> limiter.interceptCall(call))
        .isInstanceOfSatisfying(
            RpcException.class,
            x -> {
              assertThat(x.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              e[0] = x;
            });
    return Long.parseLong(e[0].trailers().get(RateLimits.PUSHBACK_TRAILER));
  }

  @Test
  void pushbackIsTheTimeUntilTheNextToken() {
    RateLimiter limiter =
        new RateLimiter.Builder(100, () -> now[0]).perPrincipal(2, 10 * SECOND).build();
    Call alice = new Call(A, "alice", "/10.0.0.1:1");
    limiter.interceptCall(alice);
    limiter.interceptCall(alice);
    assertThat(pushback(limiter, alice)).isEqualTo(5000); // 2 per 10 s: one every 5 s
    now[0] = 4 * SECOND;
    assertThat(pushback(limiter, alice)).isEqualTo(1000);
    now[0] = 5 * SECOND;
    assertThat(limiter.interceptCall(alice)).isSameAs(CallObserver.NONE);
  }

  @Test
  void aCallRefusedByTheSecondLimitDoesNotSpendTheFirst() {
    RateLimiter limiter =
        new RateLimiter.Builder(100, () -> now[0])
            .perMethod(A.fullName(), 1, 100 * SECOND)
            .perPrincipal(1, SECOND)
            .build();
    limiter.interceptCall(new Call(B, "bob", "/h:1")); // bob's principal bucket is empty now
    pushback(limiter, new Call(A, "bob", "/h:1")); // refused by the principal's bucket...
    now[0] = SECOND;
    // ...so A's token was given back (it alone would take 100 s to come back)
    limiter.interceptCall(new Call(A, "bob", "/h:1"));
    assertThat(pushback(limiter, new Call(A, "bob", "/h:1"))).isEqualTo(100_000);
  }

  @Test
  void anonymousCallersAreLimitedPerHost() {
    RateLimiter limiter =
        new RateLimiter.Builder(100, () -> now[0]).perPrincipal(1, SECOND).build();
    limiter.interceptCall(new Call(A, null, "/10.0.0.1:1000"));
    pushback(limiter, new Call(A, null, "/10.0.0.1:2000")); // another port, same host
    limiter.interceptCall(new Call(A, null, "/10.0.0.2:1000"));
    limiter.interceptCall(new Call(A, "anonymous", "/10.0.0.1:1000")); // a principal's name
  }

  @Test
  void concurrencyIsCountedUntilTheCallCloses() {
    RateLimiter limiter = new RateLimiter.Builder(100, () -> now[0]).maxConcurrent(1).build();
    CallObserver first = limiter.interceptCall(new Call(A, "carol", "/h:1"));
    assertThat(pushback(limiter, new Call(A, "carol", "/h:1"))).isEqualTo(1000);
    first.onClose(Status.OK, Metadata.EMPTY);
    limiter.interceptCall(new Call(A, "carol", "/h:1"));
  }

  @Test
  void manyPrincipalsKeepAtMostTheCap() {
    RateLimiter.Builder b = new RateLimiter.Builder(500, () -> now[0]);
    RateLimiter limiter = b.perPrincipal(10, SECOND).perMethod(A.fullName(), 10, SECOND).build();
    for (int i = 0; i < 100_000; i++) {
      limiter.interceptCall(new Call(A, "user-" + i, "/h:1"));
    }
    assertThat(limiter.trackedBuckets()).isLessThanOrEqualTo(1000); // two limits of 500
  }
}
