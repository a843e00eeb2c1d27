package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamMapTest {
  private final FrameConnection conn =
      FrameConnection.server(
          new CapturingSink(),
          TransportSettings.DEFAULT,
          new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run));

  private FrameStream stream(int id) {
    return new ServerFrameStream((ServerFrameConnection) conn, id, ConformanceService.ECHO, 0);
  }

  @Test
  void behavesLikeASortedMapUnderRandomPutsAndRemoves() {
    StreamMap map = new StreamMap();
    TreeMap<Integer, FrameStream> expected = new TreeMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 50_000; step++) {
      int id =
          1 + random.nextInt(step % 2 == 0 ? 64 : 5000); // dense and sparse ids, many collisions
      if (random.nextInt(3) == 0) {
        map.remove(id);
        expected.remove(id);
      } else {
        FrameStream s = stream(id);
        map.put(id, s);
        expected.put(id, s);
      }
      int probe = 1 + random.nextInt(5000);
      assertThat(map.get(probe)).isSameAs(expected.get(probe));
      assertThat(map.size()).isEqualTo(expected.size());
    }
    assertThat(map.snapshot()).containsExactlyElementsOf(new ArrayList<>(expected.values()));
    assertThat(map.ids()).containsExactlyElementsOf(expected.keySet());
    for (int id : new ArrayList<>(expected.keySet())) {
      map.remove(id);
    }
    assertThat(map.isEmpty()).isTrue();
  }
}
