package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The counter behind the connection and SSE session limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AddressSlotsTest {
  @Test
  void refusesBeyondEachCapAndTakesSlotsBack() throws Exception {
    InetAddress a = InetAddress.getByName("127.0.0.1");
    InetAddress b = InetAddress.getByName("127.0.0.2");
    AddressSlots slots = new AddressSlots(3, 2);
    assertThat(slots.tryAcquire(a)).isNull();
    assertThat(slots.tryAcquire(a)).isNull();
    assertThat(slots.tryAcquire(a)).isEqualTo(AddressSlots.Refusal.ADDRESS);
    assertThat(slots.tryAcquire(b)).isNull();
    assertThat(slots.tryAcquire(null)).isEqualTo(AddressSlots.Refusal.TOTAL);
    assertThat(slots.held()).isEqualTo(3);
    slots.release(a);
    assertThat(slots.tryAcquire(a)).isNull();
    slots.release(a);
    slots.release(a);
    slots.release(b);
    assertThat(slots.held()).isZero();
  }

  /**
   * Threads race to take and give back slots of few addresses, whose counts keep dropping to zero
   * (and leaving the map): the slots held, counted by the test itself, never exceed either cap, and
   * every slot comes back.
   */
  @Test
  void racingThreadsNeverHoldMoreThanTheCaps() throws Exception {
    int max = 3;
    int perAddress = 1;
    AddressSlots slots = new AddressSlots(max, perAddress);
    InetAddress[] addresses = {
      InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")
    };
    AtomicInteger[] held = new AtomicInteger[addresses.length];
    for (int i = 0; i < held.length; i++) {
      held[i] = new AtomicInteger();
    }
    AtomicInteger total = new AtomicInteger();
    AtomicReference<String> violation = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int n = 0; n < 200_000; n++) {
                  int i = random.nextInt(addresses.length);
                  if (slots.tryAcquire(addresses[i]) != null) {
                    continue;
                  }
                  int mine = held[i].incrementAndGet();
                  int all = total.incrementAndGet();
                  if (mine > perAddress || all > max) {
                    violation.compareAndSet(
                        null, mine + " held by one address, " + all + " in total");
                  }
                  total.decrementAndGet();
                  held[i].decrementAndGet();
                  slots.release(addresses[i]);
                }
              });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(violation.get()).isNull();
    assertThat(slots.held()).isZero();
    for (InetAddress address : addresses) {
      for (int i = 0; i < perAddress; i++) {
        assertThat(slots.tryAcquire(address)).as("every slot came back").isNull();
      }
      for (int i = 0; i < perAddress; i++) {
        slots.release(address);
      }
    }
  }
}
