package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime's API and SPI packages show no type of {@code dev.typedrpc.internal}: a user who sees
 * only them can use every public member. Walks the compiled classes of this module.
 */
@Timeout(30)
class PublicApiTest {
  private static final String INTERNAL = "dev.typedrpc.internal.";

  @Test
  void noPublicSignatureNamesAnInternalType() throws Exception {
    List<String> exposed = new ArrayList<>();
    List<Class<?>> checked = apiClasses();
    for (Class<?> c : checked) {
      if (!visible(c)) {
        continue;
      }
      check(exposed, c, "extends", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(exposed, c, "implements", t);
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(exposed, c, "field " + f.getName(), f.getGenericType());
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          check(exposed, c, m.getName() + "() returns", m.getGenericReturnType());
          checkParameters(exposed, c, m);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers()) && !k.isSynthetic()) {
          checkParameters(exposed, c, k);
        }
      }
    }
    assertThat(checked).as("API classes found").hasSizeGreaterThan(30);
    assertThat(exposed).as("public members that show internal types").isEmpty();
  }

  private static void checkParameters(List<String> exposed, Class<?> c, Executable e) {
    for (Type t : e.getGenericParameterTypes()) {
      check(exposed, c, e.getName() + "() takes", t);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(exposed, c, e.getName() + "() throws", t);
    }
  }

  private static void check(List<String> exposed, Class<?> owner, String where, Type type) {
    if (type != null && type.getTypeName().contains(INTERNAL)) {
      exposed.add(owner.getName() + " " + where + " " + type.getTypeName());
    }
  }

  /** Public, and so are the classes it is nested in. */
  private static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Every class of this module outside {@code internal}. */
  private static List<Class<?>> apiClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root =
        Path.of(RpcChannel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String relative = root.relativize(p).toString().replace('\\', '/');
        if (!relative.endsWith(".class")
            || relative.startsWith("dev/typedrpc/internal/")
            || relative.endsWith("module-info.class")
            || relative.endsWith("package-info.class")) {
          continue;
        }
        String name =
            relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
        classes.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
      }
    }
    return classes;
  }
}
