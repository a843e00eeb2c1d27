package dev.typedrpc.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a JVM hears that Netty runs without Unsafe, and what it is told to do. */
class UnsafeAdviceTest {
  @Test
  void onJava24AndLaterWithoutUnsafeTheAdviceNamesTheFlag() {
    assertThat(UnsafeAdvice.advice(25, false))
        .contains("Java 25")
        .contains("--sun-misc-unsafe-memory-access=allow");
    assertThat(UnsafeAdvice.advice(24, false)).isNotNull();
  }

  @Test
  void withUnsafeOrBeforeJava24ThereIsNone() {
    assertThat(UnsafeAdvice.advice(25, true)).isNull();
    assertThat(UnsafeAdvice.advice(17, false)).isNull();
    assertThat(UnsafeAdvice.advice(23, false)).isNull();
  }
}
