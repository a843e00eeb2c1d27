package dev.typedrpc.junit;

import dev.typedrpc.spi.TransportProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The runs of an {@link OnEveryTransport} class: one per transport on the class path. */
final class EveryTransport implements ClassTemplateInvocationContextProvider {
  @Override
  public boolean supportsClassTemplate(ExtensionContext context) {
    return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), OnEveryTransport.class);
  }

  @Override
  public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(
      ExtensionContext context) {
    String[] asked =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), OnEveryTransport.class)
            .map(OnEveryTransport::value)
            .orElse(new String[0]);
    List<Transport> runs = runs(asked, availableSchemes());
    return runs.stream().map(Run::new);
  }

  /** The transports to run on, in {@link Transport}'s order. */
  static List<Transport> runs(String[] asked, Set<String> available) {
    Set<String> wanted = new HashSet<>(Arrays.asList(asked));
    for (String scheme : wanted) {
      if (Transport.forScheme(scheme) == null) {
        throw new IllegalArgumentException(
            "@OnEveryTransport: unknown transport '" + scheme + "'; use " + Transport.schemes());
      }
    }
    List<Transport> runs = new ArrayList<>();
    for (Transport t : Transport.values()) {
      if ((wanted.isEmpty() || wanted.contains(t.scheme())) && available.contains(t.scheme())) {
        runs.add(t);
      } else if (wanted.contains(t.scheme())) {
        throw new IllegalStateException(
            "@OnEveryTransport asks for '"
                + t.scheme()
                + "', but no transport for it is on the class path (add transport-netty)");
      }
    }
    return runs;
  }

  private static Set<String> availableSchemes() {
    Set<String> schemes = new HashSet<>();
    for (TransportProvider p :
        ServiceLoader.load(TransportProvider.class, EveryTransport.class.getClassLoader())) {
      schemes.addAll(p.schemes());
    }
    return schemes;
  }

  /** One run of the class: its extension serves over {@code transport}. */
  private record Run(Transport transport) implements ClassTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + transport.scheme() + "]";
    }

    @Override
    public void prepareInvocation(ExtensionContext context) {
      Transport.choose(context, transport);
    }
  }
}
