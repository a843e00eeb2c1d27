package dev.typedrpc.auth.internal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The name a certificate gives its subject: its common name, else its first DNS or URI SAN. */
public final class CertificateNames {
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private CertificateNames() {}

  /** The subject's common name, else its first DNS or URI subject alternative name; else null. */
  public static String of(X509Certificate certificate) {
    try {
      List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) { // most specific first
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          String cn = String.valueOf(rdns.get(i).getValue());
          if (!cn.isEmpty()) {
            return cn;
          }
        }
      }
    } catch (InvalidNameException e) {
      // fall back to the alternative names
    }
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object type = san.get(0);
          if ((type.equals(SAN_DNS) || type.equals(SAN_URI)) && san.get(1) instanceof String s) {
            return s;
          }
        }
      }
    } catch (CertificateParsingException e) {
      return null;
    }
    return null;
  }
}
