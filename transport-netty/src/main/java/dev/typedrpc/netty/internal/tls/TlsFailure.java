package dev.typedrpc.netty.internal.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * A client's TLS handshake failed, and the message names why in words a user can act on: the server
 * did not answer TLS (closed, answered in cleartext, or stayed silent), its certificate is not
 * trusted or is for another name, ALPN did not agree, or the server refused the handshake. Its
 * {@link #toString} is its message alone, as it ends up in a status description.
 */
public final class TlsFailure extends SSLHandshakeException {
  private static final long serialVersionUID = 1L;

  /** An alert in OpenSSL's (BoringSSL's) error string, e.g. {@code SSLV3_ALERT_BAD_CERTIFICATE}. */
  private static final Pattern OPENSSL_ALERT =
      Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)");

  private TlsFailure(String message, Throwable cause) {
    super(message);
    initCause(cause);
  }

  @SuppressWarnings(
      "OverrideThrowableToString") // a status description names the failure, not a class
  @Override
  public String toString() {
    return getMessage();
  }

  /**
   * Names a handshake failure.
   *
   * @param peer {@code host:port} of the server
   * @param name the name the certificate must match (the address's host or {@code tls-authority})
   * @param protocol the ALPN protocol the client offered
   * @param timeoutMillis the handshake timeout
   */
  static TlsFailure of(
      Throwable cause, String peer, String name, String protocol, long timeoutMillis) {
    if (cause instanceof TlsFailure named) {
      return named;
    }
    return new TlsFailure(
        "TLS handshake with " + peer + " failed: " + reason(cause, name, protocol, timeoutMillis),
        cause);
  }

  private static String reason(Throwable cause, String name, String protocol, long timeoutMillis) {
    String message = alert(String.valueOf(cause.getMessage()));
    if (cause instanceof SslHandshakeTimeoutException) {
      return "the server did not complete the TLS handshake within " + timeoutMillis + " ms";
    }
    if (cause instanceof ClosedChannelException
        || message.contains("closed while SSL/TLS handshake")) {
      return "the server did not answer TLS: it closed the connection (a cleartext-only port? then use ws://, sse://"
          + " or h2c://)";
    }
    if (cause instanceof NotSslRecordException) {
      return "the server did not answer TLS: it answered in cleartext"
          + cleartext(message)
          + " (a cleartext port? then use ws://, sse:// or h2c://)";
    }
    // the trust manager's words: the JDK's provider makes them the handshake failure's message,
    // OpenSSL keeps them in its cause
    CertificateException certificate = find(cause, CertificateException.class);
    String why =
        certificate == null || certificate.getMessage() == null
            ? message
            : certificate.getMessage();
    if (has(cause, CertPathBuilderException.class)
        || has(cause, CertPathValidatorException.class)) {
      return "the server's certificate is not trusted ("
          + why
          + "); trust its CA with"
          + " tls-trust=/path/ca.pem";
    }
    if (certificate != null
        && (why.contains("No subject alternative") || why.contains("No name matching"))) {
      return "the server's certificate does not match the name "
          + name
          + " ("
          + why
          + "); connect by a name"
          + " it has, or say which with tls-authority=name";
    }
    if (message.contains("no_application_protocol")) {
      return "the server did not agree to ALPN protocol " + protocol + " (" + message + ")";
    }
    if (message.startsWith("Received fatal alert")) {
      return "the server refused the handshake (" + message + ")";
    }
    return message;
  }

  /** The ALPN protocol was not agreed: the server chose {@code chosen} (or none). */
  static TlsFailure alpn(String peer, String protocol, String chosen) {
    return new TlsFailure(
        "TLS handshake with "
            + peer
            + " failed: the server did not agree to ALPN protocol "
            + protocol
            + " (it chose "
            + (chosen == null || chosen.isEmpty() ? "none" : chosen)
            + ")",
        null);
  }

  /** Netty's message: "not an SSL/TLS record: <hex>"; the first printable line of those bytes. */
  private static String cleartext(String message) {
    int colon = message.lastIndexOf(": ");
    if (colon < 0) {
      return "";
    }
    try {
      String hex = message.substring(colon + 2).strip();
      byte[] bytes = HexFormat.of().parseHex(hex.substring(0, Math.min(hex.length(), 160) & ~1));
      String text = new String(bytes, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
      return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !text.isBlank()
          ? " (\"" + text + "\")"
          : "";
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * An alert as the JDK's provider words it ({@code Received fatal alert: bad_certificate}) when
   * OpenSSL's error string names one ({@code error:...:SSLV3_ALERT_BAD_CERTIFICATE}), so a failure
   * reads the same on both providers; any other message unchanged.
   */
  static String alert(String message) {
    Matcher m = OPENSSL_ALERT.matcher(message);
    return m.find() ? "Received fatal alert: " + m.group(1).toLowerCase(Locale.ROOT) : message;
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    return find(t, type) != null;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
