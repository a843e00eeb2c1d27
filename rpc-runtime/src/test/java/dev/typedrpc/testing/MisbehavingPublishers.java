package dev.typedrpc.testing;

import java.util.concurrent.Flow;

/**
 * Publishers that break one Reactive Streams rule each, as a careless implementation might: the
 * runtime must answer each the same way on every transport.
 */
public final class MisbehavingPublishers {
  private MisbehavingPublishers() {}

  /** Items the re-entrant publisher emits (OutboundPumpTest shows the recursion with more). */
  public static final int REENTRANT_ITEMS = 5_000;

  /** The publisher named {@code how}. */
  public static Flow.Publisher<String> named(String how) {
    return switch (how) {
      case "no-demand" ->
          s ->
              s.onSubscribe(
                  onFirstRequest(
                      () -> {
                        for (int i = 0; i < 1000; i++) { // whatever was asked for
                          s.onNext("flood-" + i);
                        }
                        s.onComplete();
                      }));
      case "complete-twice" ->
          s ->
              s.onSubscribe(
                  onFirstRequest(
                      () -> {
                        s.onNext("a");
                        s.onComplete();
                        s.onComplete();
                      }));
      case "next-after-complete" ->
          s ->
              s.onSubscribe(
                  onFirstRequest(
                      () -> {
                        s.onNext("a");
                        s.onComplete();
                        s.onNext("b");
                        s.onError(new IllegalStateException("after complete"));
                      }));
      case "throw-in-request" ->
          s ->
              s.onSubscribe(
                  onFirstRequest(
                      () -> {
                        throw new IllegalStateException("request failed");
                      }));
      case "null" -> s -> s.onSubscribe(onFirstRequest(() -> s.onNext(null)));
      case "subscribe-throws" ->
          s -> {
            throw new IllegalStateException("subscribe failed");
          };
      case "reentrant" -> new Reentrant(REENTRANT_ITEMS);
      default -> throw new IllegalArgumentException(how);
    };
  }

  private static Flow.Subscription onFirstRequest(Runnable action) {
    return new Flow.Subscription() {
      private boolean ran;

      @Override
      public void request(long n) {
        if (!ran) {
          ran = true;
          action.run();
        }
      }

      @Override
      public void cancel() {}
    };
  }

  /**
   * Honours demand but emits synchronously from {@code request} with no guard against being called
   * again from {@code onNext}: a subscriber that requests from {@code onNext} by recursion would
   * overflow the stack.
   */
  public static final class Reentrant implements Flow.Publisher<String> {
    private final int items;

    public Reentrant(int items) {
      this.items = items;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> s) {
      s.onSubscribe(
          new Flow.Subscription() {
            private long demand;
            private int next;
            private boolean done;

            @Override
            public void request(long n) {
              demand += n;
              while (demand > 0 && next < items && !done) {
                demand--;
                s.onNext("r" + next++);
              }
              if (next == items && !done) {
                done = true;
                s.onComplete();
              }
            }

            @Override
            public void cancel() {
              done = true;
            }
          });
    }
  }
}
