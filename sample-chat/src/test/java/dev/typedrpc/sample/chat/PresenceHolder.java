package dev.typedrpc.sample.chat;

import dev.typedrpc.RpcChannel;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * A chat client as a program of its own, for a test to {@code kill -9}: {@code PresenceHolder
 * <server> <room> <user>} opens the user's {@code presence} call in the room (so the user is
 * present), prints {@code PRESENT} once the first update came, and waits to be killed.
 */
final class PresenceHolder {
  private PresenceHolder() {}

  public static void main(String[] args) throws Exception {
    RpcChannel channel = RpcChannel.connect(URI.create(args[0]));
    CountDownLatch never = new CountDownLatch(1);
    ChatCluster.chat(channel, args[2])
        .presence(args[1], args[2])
        .subscribe(
            new Flow.Subscriber<PresenceUpdate>() {
              private boolean told;

              @Override
              public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(PresenceUpdate update) {
                if (!told) {
                  told = true;
                  System.out.println("PRESENT");
                  System.out.flush();
                }
              }

              @Override
              public void onError(Throwable t) {
                System.out.println("ENDED " + t);
                never.countDown();
              }

              @Override
              public void onComplete() {
                never.countDown();
              }
            });
    never.await();
  }
}
