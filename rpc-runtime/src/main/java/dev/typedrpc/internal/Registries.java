package dev.typedrpc.internal;

import dev.typedrpc.spi.GeneratedService;
import dev.typedrpc.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds transports and generated services with {@link ServiceLoader}, once per class, so the call
 * path never looks anything up.
 */
public final class Registries {
  private Registries() {}

  private static final ClassValue<GeneratedService<?>> SERVICES =
      new ClassValue<>() {
        @Override
        protected GeneratedService<?> computeValue(Class<?> iface) {
          for (ClassLoader loader : loaders(iface)) {
            for (GeneratedService<?> s : ServiceLoader.load(GeneratedService.class, loader)) {
              if (s.serviceInterface() == iface) {
                return s;
              }
            }
          }
          return null;
        }
      };

  /** The generated code for a service interface; fails saying how to get it generated. */
  @SuppressWarnings("unchecked")
  public static <T> GeneratedService<T> service(Class<T> iface) {
    GeneratedService<?> s = SERVICES.get(iface);
    if (s == null) {
      throw new IllegalArgumentException(
          "No generated code found for "
              + iface.getName()
              + ": annotate it with @RpcService and compile it with the typedrpc processor (rpc-processor on the"
              + " annotation processor path), so that "
              + iface.getName()
              + "Rpc is generated and registered in META-INF/services/"
              + GeneratedService.class.getName());
    }
    return (GeneratedService<T>) s;
  }

  /** The transport for a URI scheme, or null if none is on the class path. */
  public static TransportProvider transportOrNull(String scheme) {
    try {
      return transport(scheme);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The transport for a URI scheme; fails listing the schemes that are available. */
  public static TransportProvider transport(String scheme) {
    String wanted = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    TreeSet<String> known = new TreeSet<>();
    for (ClassLoader loader : loaders(Registries.class)) {
      for (TransportProvider p : ServiceLoader.load(TransportProvider.class, loader)) {
        if (p.schemes().contains(wanted)) {
          return p;
        }
        known.addAll(p.schemes());
      }
    }
    throw new IllegalArgumentException(
        "No transport for scheme '"
            + wanted
            + "'. Available: "
            + known
            + (wanted.startsWith("ws")
                ? ". Add dev.typedrpc:transport-netty to the class path."
                : ""));
  }

  private static List<ClassLoader> loaders(Class<?> anchor) {
    List<ClassLoader> loaders = new ArrayList<>(2);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      loaders.add(context);
    }
    if (anchor.getClassLoader() != null && anchor.getClassLoader() != context) {
      loaders.add(anchor.getClassLoader());
    }
    return loaders;
  }
}
