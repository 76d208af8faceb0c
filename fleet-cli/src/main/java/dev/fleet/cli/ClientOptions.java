package dev.fleet.cli;

import dev.fleet.transport.http.HttpFleetClient;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * How the client commands ({@code submit}, {@code status}, {@code explain}) reach the coordinator: its URL and
 * the client token, by default from the state directory the coordinator wrote on this machine.
 *
 * <p>Not thread-safe; picocli fills it on one thread.
 */
final class ClientOptions {
  @Option(names = "--coordinator", paramLabel = "URL",
      description = "The coordinator's URL (default: from the state directory, else http://127.0.0.1:7070).")
  URI coordinator;

  @Option(names = "--client-token", paramLabel = "TOKEN",
      description = "The client token (default: the state directory's client-token file).")
  String clientToken;

  @Option(names = "--client-token-file", paramLabel = "FILE", description = "Read the client token from this file.")
  Path clientTokenFile;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the coordinator keeps its files (default ~/.fleet).")
  Path stateDir;

  @Option(names = "--trust", paramLabel = "KEYSTORE",
      description = "A PKCS#12 keystore whose certificates to trust, for an https coordinator.")
  Path trust;

  @Option(names = "--trust-password", paramLabel = "PASSWORD", description = "The --trust keystore's password.",
      defaultValue = "")
  String trustPassword;

  HttpFleetClient client() {
    StateDir state = new StateDir(stateDir == null ? StateDir.defaultPath() : stateDir);
    URI uri = coordinator != null ? coordinator
        : state.read(StateDir.URL).map(URI::create).orElse(URI.create("http://127.0.0.1:7070"));
    String token = clientToken;
    if (token == null && clientTokenFile != null) {
      token = readFile(clientTokenFile);
    }
    if (token == null) {
      token = state.read(StateDir.CLIENT_TOKEN).orElseThrow(() -> new IllegalArgumentException(
          "no client token: give --client-token or --client-token-file, or run this where the coordinator keeps "
              + state.path().resolve(StateDir.CLIENT_TOKEN)));
    }
    return trust == null ? HttpFleetClient.connect(uri, token)
        : HttpFleetClient.connect(uri, token, trusting(trust, trustPassword));
  }

  static String readFile(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A TLS context trusting every certificate in a PKCS#12 keystore. */
  static SSLContext trusting(Path keystore, String password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (String alias : Collections.list(ks.aliases())) {
        Certificate c = ks.getCertificate(alias);
        if (c != null) {
          trust.setCertificateEntry(alias, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read trust keystore " + keystore + ": " + e.getMessage(), e);
    }
  }
}
