package dev.typedrpc.spi.frame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The open streams of a connection by id: an open-addressing table with int keys (linear probing,
 * backward-shift deletion), so looking up a stream per frame boxes no {@code Integer} and adding
 * one allocates no node. Ids are positive. Not thread-safe: confined to the connection's executor.
 */
final class StreamMap {
  private int[] keys = new int[16]; // 0: empty slot
  private FrameStream[] values = new FrameStream[16];
  private int size;
  private final Runnable onActive;
  private final Runnable onIdle;

  StreamMap() {
    this(() -> {}, () -> {});
  }

  /**
   * {@code onActive} runs when the first stream is added, {@code onIdle} when the last is removed.
   */
  StreamMap(Runnable onActive, Runnable onIdle) {
    this.onActive = onActive;
    this.onIdle = onIdle;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  FrameStream get(int id) {
    int mask = keys.length - 1;
    for (int i = slot(id, mask); keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == id) {
        return values[i];
      }
    }
    return null;
  }

  void put(int id, FrameStream stream) {
    if (id <= 0) {
      throw new IllegalArgumentException("stream id " + id);
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(id, mask);
    while (keys[i] != 0 && keys[i] != id) {
      i = (i + 1) & mask;
    }
    boolean added = keys[i] == 0;
    keys[i] = id;
    values[i] = stream;
    if (added && ++size == 1) {
      onActive.run();
    }
  }

  void remove(int id) {
    int mask = keys.length - 1;
    int i = slot(id, mask);
    while (keys[i] != id) {
      if (keys[i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    size--;
    // shift later entries of the same probe run back, so lookups never stop at a hole
    for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = slot(keys[j], mask);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    keys[i] = 0;
    values[i] = null;
    if (size == 0) {
      onIdle.run();
    }
  }

  /** A snapshot of the streams in id order, safe to iterate while streams are removed. */
  List<FrameStream> snapshot() {
    List<FrameStream> list = new ArrayList<>(size);
    for (FrameStream s : values) {
      if (s != null) {
        list.add(s);
      }
    }
    list.sort(Comparator.comparingInt(s -> s.id));
    return list;
  }

  /** The ids in ascending order. */
  List<Integer> ids() {
    List<Integer> ids = new ArrayList<>(size);
    for (FrameStream s : snapshot()) {
      ids.add(s.id);
    }
    return ids;
  }

  private static int slot(int id, int mask) {
    int h = id * 0x9E3779B9; // ids are sequential: spread them
    return (h ^ (h >>> 16)) & mask;
  }

  private void grow() {
    int[] oldKeys = keys;
    FrameStream[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new FrameStream[oldKeys.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
