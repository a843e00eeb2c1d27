package dev.typedrpc.bench.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code benchmarks/run compile} in miniature, so it never rots: a tiny schema through both routes
 * (the processor's, and protoc's over the {@code .proto} files the processor emitted), every build
 * of the table. Each compilation fails the run if it fails; asserts rows, never a figure.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CompileSmokeTest {
  @Test
  void bothRoutesCompileTheSameSchemaFullAndIncrementally() throws Exception {
    String report =
        CompileRunner.run(List.of("--records=6", "--methods=2", "--rounds=1", "--warmup=0"));
    assertThat(report)
        .contains("6 records and 2 methods in 1 services")
        .containsPattern("\\| full, cold \\(new processes\\) \\| [0-9,]+ ms \\| [0-9,]+ ms \\|")
        .containsPattern("\\| full, warm [^|]*\\| [0-9,]+ ms \\| [0-9,]+ ms \\|")
        .containsPattern("\\| one record changed, warm \\| [0-9,]+ ms \\| [0-9,]+ ms \\|");
  }

  @Test
  void aSchemaTooSmallForItsMethodsIsRefused() {
    assertThatThrownBy(() -> new SchemaSources(3, 2))
        .hasMessageContaining("two records per method");
  }
}
