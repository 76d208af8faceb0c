package dev.fleet.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What {@code --trust} names: the coordinator's certificate as PEM, or a PKCS#12 trust store holding only
 * certificates. A keystore with a private key is refused: it is the coordinator's own, and copying it to every
 * agent hands out the key that proves the coordinator's identity.
 *
 * <p>Thread-safe: stateless.
 */
final class TrustedCertificates {
  private static final String PEM_CERT = "-----BEGIN CERTIFICATE-----";

  private TrustedCertificates() {}

  /**
   * A TLS context trusting exactly the certificates in {@code file}.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read, holds a private key, or no certificate
   */
  static SSLContext context(Path file, String password) {
    List<Certificate> certs = read(file, password);
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        trust.setCertificateEntry("trusted-" + i, certs.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot trust the certificates in " + file + ": " + e.getMessage(), e);
    }
  }

  /** The certificates in a PEM file (detected by its content) or a PKCS#12 trust store. */
  static List<Certificate> read(Path file, String password) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the --trust file " + file + ": " + e.getClass().getSimpleName()
          + ": " + e.getMessage(), e);
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (text.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException("the --trust file " + file + " holds a private key; give only the "
          + "coordinator's certificate: " + exportAdvice());
    }
    List<Certificate> certs = text.contains(PEM_CERT) ? pem(file, bytes) : trustStore(file, bytes, password);
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("the --trust file " + file + " holds no certificate"
          + (password == null || password.isEmpty() ? " that opens without a password (a trust store's "
          + "certificates may be encrypted: give --trust-password-file)" : ""));
    }
    return certs;
  }

  private static List<Certificate> pem(Path file, byte[] bytes) {
    try {
      Collection<? extends Certificate> c = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
      return new ArrayList<>(c);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the --trust file " + file + " looks like PEM but its certificate cannot "
          + "be read: " + e.getMessage(), e);
    }
  }

  private static List<Certificate> trustStore(Path file, byte[] bytes, String password) {
    KeyStore ks;
    try {
      ks = KeyStore.getInstance("PKCS12");
      // Without a password the store's integrity is not checked, but a store of certificates still loads.
      ks.load(new ByteArrayInputStream(bytes), password == null || password.isEmpty() ? null
          : password.toCharArray());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the --trust file " + file + " is neither a PEM certificate nor a "
          + "PKCS#12 trust store that opens with the password given (" + e.getMessage() + ")", e);
    }
    try {
      List<Certificate> out = new ArrayList<>();
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias)) {
          throw new IllegalArgumentException("the --trust file " + file + " holds a private key (alias '" + alias
              + "'): it is the coordinator's own keystore, which must not be copied to agents and clients; give "
              + "only its certificate: " + exportAdvice());
        }
        Certificate c = ks.getCertificate(alias);
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the --trust file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String exportAdvice() {
    return "export it with `fleet coordinator export-cert --tls-keystore KEYSTORE --out coordinator.pem` on the "
        + "coordinator's machine and give --trust coordinator.pem";
  }
}
