package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Makes one call of every kind on an {@link ItService} stub and checks the answers: for tests that
 * vary the path.
 */
final class CallKinds {
  private CallKinds() {}

  static void assertAllWork(ItService stub) throws Exception {
    // unary, blocking and async, and a status from the server
    assertThat(stub.greet(new Greeting("ana", 2, List.of("a"))))
        .isEqualTo(new Reply("hello ana x2 [a]", 1));
    assertThat(stub.shout("hi", 2).get(20, TimeUnit.SECONDS)).isEqualTo("HI!HI!");
    assertThat(stub.length("four").toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(4L);
    assertThatThrownBy(() -> stub.fail("not-found"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status())
                    .isEqualTo(Status.NOT_FOUND.withDescription("no such thing")));
    // server streaming
    List<Tick> ticks = Publishers.collect(stub.count(300)).get(20, TimeUnit.SECONDS);
    assertThat(ticks)
        .extracting(Tick::n)
        .containsExactlyElementsOf(LongStream.range(0, 300).boxed().toList());
    // client streaming
    List<Long> numbers = LongStream.rangeClosed(1, 1000).boxed().toList();
    assertThat(stub.sum(Publishers.of(numbers)).get(20, TimeUnit.SECONDS)).isEqualTo(500_500L);
    // bidirectional streaming
    List<Greeting> greetings =
        IntStream.range(0, 100).mapToObj(i -> new Greeting("g" + i, i, List.of())).toList();
    List<Reply> replies =
        Publishers.collect(stub.converse(Publishers.of(greetings))).get(20, TimeUnit.SECONDS);
    assertThat(replies).hasSize(100);
    assertThat(replies.get(99)).isEqualTo(new Reply("hi g99", 100));
    // a message of many frames
    byte[] large = new byte[300_000];
    large[large.length - 1] = 42;
    assertThat(stub.echo(large)).isEqualTo(large);
  }
}
