package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's copy-pastable {@code pom.xml} is the one the build compiles and tests as an outside
 * project ({@code examples/quickstart}, built by the invoker plugin): if either changes alone, this
 * fails.
 */
class ReadmeQuickstartTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void readmeShowsTheQuickstartPomVerbatim() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String pom = Files.readString(ROOT.resolve("examples/quickstart/pom.xml"));

    assertThat(readme).contains("```xml\n" + pom + "```");
  }

  @Test
  void theBomListsEveryPublishedModule() throws IOException {
    String bom = Files.readString(ROOT.resolve("typedrpc-bom/pom.xml"));

    for (String module :
        new String[] {
          "rpc-annotations",
          "rpc-processor",
          "rpc-runtime",
          "transport-netty",
          "rpc-reactor",
          "rpc-rxjava"
        }) {
      assertThat(bom).contains("<artifactId>" + module + "</artifactId>");
    }
  }
}
