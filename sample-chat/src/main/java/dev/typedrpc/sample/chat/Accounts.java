package dev.typedrpc.sample.chat;

import dev.typedrpc.Status;
import dev.typedrpc.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who may use the chat: a token per user, mapped to the user's {@link Principal}. Either a fixed
 * set read from a users file ({@link #of(Map)}), or, in dev mode ({@link #dev()}), tokens issued on
 * {@linkplain #issue sign-in} to anyone for any name not in use. Tokens are kept as SHA-256
 * digests, so a lookup compares digests rather than the secrets. Thread-safe.
 */
final class Accounts {
  /** The role every chat user holds. */
  static final String USER = "user";

  /** Most names a dev-mode server issues tokens for; beyond it sign-in fails. */
  static final int MAX_DEV_USERS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final boolean dev;
  private final Map<String, Principal> byDigest = new HashMap<>(); // guarded by this
  private final Map<String, String> digestByName = new HashMap<>(); // guarded by this

  private Accounts(boolean dev) {
    this.dev = dev;
  }

  /** Dev mode: no users to begin with; {@link #issue} makes them. */
  static Accounts dev() {
    return new Accounts(true);
  }

  /** A fixed set of users: name to token. {@link #issue} refuses. */
  static Accounts of(Map<String, String> tokensByName) {
    Accounts a = new Accounts(false);
    tokensByName.forEach((name, token) -> a.put(name, token));
    return a;
  }

  /** Whether tokens are issued on sign-in. */
  boolean isDev() {
    return dev;
  }

  /** The principal {@code token} belongs to, or null if it is nobody's. */
  synchronized Principal byToken(String token) {
    return byDigest.get(digest(token));
  }

  /**
   * A new token for {@code name}, replacing the one it had; {@code online} says whether someone
   * uses the name now (then {@code ALREADY_EXISTS}).
   */
  String issue(String name, Predicate<String> online) {
    if (!dev) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "this server does not issue tokens: its users file lists who may chat;"
                  + " ask its administrator for your token and pass --token")
          .asException();
    }
    if (online.test(name)) {
      throw Status.ALREADY_EXISTS
          .withDescription(name + " is in the chat already: pick another --name")
          .asException();
    }
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    synchronized (this) {
      if (!digestByName.containsKey(name) && digestByName.size() >= MAX_DEV_USERS) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription("this server has issued tokens for " + MAX_DEV_USERS + " names")
            .asException();
      }
      put(name, token);
    }
    return token;
  }

  private synchronized void put(String name, String token) {
    String previous = digestByName.put(name, digest(token));
    if (previous != null) {
      byDigest.remove(previous);
    }
    byDigest.put(digestByName.get(name), Principal.of(name, USER));
  }

  private static String digest(String token) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
