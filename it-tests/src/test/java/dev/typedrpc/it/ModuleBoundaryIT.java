package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.netty.NettyTransportProvider;
import dev.typedrpc.processor.RpcProcessor;
import dev.typedrpc.sample.chat.ChatServiceRpc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime modules' boundaries, checked on the built jars: each has a stable module name ({@code
 * Automatic-Module-Name}) and the three resolve together on the module path (no package split
 * across them); and no code outside rpc-runtime — the transport, the processor, generated stubs and
 * codecs, these tests — refers to {@code dev.typedrpc.internal}, which is not API.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleBoundaryIT {
  private static final byte[] INTERNAL_CLASS =
      "dev/typedrpc/internal/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INTERNAL_NAME =
      "dev.typedrpc.internal".getBytes(StandardCharsets.US_ASCII);

  @Test
  void runtimeJarsHaveStableModuleNamesAndResolveTogether() throws Exception {
    Path annotations = jarOf(RpcService.class);
    Path runtime = jarOf(RpcChannel.class);
    Path netty = jarOf(NettyTransportProvider.class);
    assertThat(moduleOf(annotations).name()).isEqualTo("dev.typedrpc.annotations");
    assertThat(moduleOf(runtime).name()).isEqualTo("dev.typedrpc");
    assertThat(moduleOf(netty).name()).isEqualTo("dev.typedrpc.netty");
    assertThat(moduleOf(runtime).packages())
        .contains("dev.typedrpc", "dev.typedrpc.spi", "dev.typedrpc.stub");

    Configuration resolved =
        ModuleLayer.boot()
            .configuration()
            .resolve(
                ModuleFinder.of(annotations, runtime, netty),
                ModuleFinder.of(),
                Set.of("dev.typedrpc.annotations", "dev.typedrpc", "dev.typedrpc.netty"));
    assertThat(resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            "dev.typedrpc.annotations", "dev.typedrpc", "dev.typedrpc.netty");
  }

  @Test
  void nothingOutsideTheRuntimeRefersToItsInternals() throws Exception {
    List<String> offenders = new ArrayList<>();
    for (Class<?> c :
        List.of(
            RpcService.class,
            NettyTransportProvider.class,
            RpcProcessor.class,
            ChatServiceRpc.class,
            ModuleBoundaryIT.class)) {
      offenders.addAll(classesReferringToInternals(location(c)));
    }
    offenders.remove("dev/typedrpc/it/ModuleBoundaryIT.class"); // it names them to look for them
    assertThat(offenders)
        .as("classes outside rpc-runtime that refer to dev.typedrpc.internal")
        .isEmpty();
  }

  /** The check above can fail: the runtime's own API classes do reach into internal. */
  @Test
  void theScanFindsReferencesWhereTheyAre() throws Exception {
    assertThat(classesReferringToInternals(location(RpcChannel.class)))
        .contains("dev/typedrpc/RpcChannel.class");
  }

  private static ModuleDescriptor moduleOf(Path jar) {
    Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
    assertThat(found).as("modules in " + jar).hasSize(1);
    ModuleDescriptor descriptor = found.iterator().next().descriptor();
    assertThat(descriptor.isAutomatic()).as(descriptor.name() + " is an automatic module").isTrue();
    return descriptor;
  }

  private static Path jarOf(Class<?> c) throws URISyntaxException {
    Path path = location(c);
    assertThat(path.toString())
        .as(
            "%s is tested as a jar: run the integration tests through 'verify', which builds the jars",
            c)
        .endsWith(".jar");
    return path;
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Class files under {@code location} (a jar or a directory) whose constant pool names an internal
   * type.
   */
  private static Set<String> classesReferringToInternals(Path location) throws IOException {
    Set<String> found = new TreeSet<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          if (p.toString().endsWith(".class") && refersToInternals(Files.readAllBytes(p))) {
            found.add(location.relativize(p).toString().replace('\\', '/'));
          }
        }
      }
      return found;
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().endsWith(".class")) {
          try (InputStream in = jar.getInputStream(entry)) {
            if (refersToInternals(in.readAllBytes())) {
              found.add(entry.getName());
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * A class names a type in its constant pool as {@code dev/typedrpc/internal/X}; code that
   * generates code, as text.
   */
  private static boolean refersToInternals(byte[] classFile) {
    return indexOf(classFile, INTERNAL_CLASS) >= 0 || indexOf(classFile, INTERNAL_NAME) >= 0;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
