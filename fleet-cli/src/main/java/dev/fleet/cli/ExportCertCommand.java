package dev.fleet.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet coordinator export-cert}: writes the certificate of the coordinator's keystore as PEM, without its
 * private key, for agents and clients to {@code --trust}.
 *
 * <p>Runs on the calling thread and exits.
 */
@Command(name = "export-cert", description = "Write the coordinator's certificate (not its private key) as PEM, for "
    + "agents and clients to --trust.")
final class ExportCertCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--tls-keystore", paramLabel = "FILE", required = true,
      description = "The coordinator's PKCS#12 keystore.")
  Path keystore;

  @Option(names = "--tls-password", paramLabel = "PASSWORD", description = CoordinatorCommand.TLS_PASSWORD_HELP)
  String password;

  @Option(names = "--tls-password-file", paramLabel = "FILE",
      description = CoordinatorCommand.TLS_PASSWORD_FILE_HELP)
  Path passwordFile;

  @Option(names = "--out", paramLabel = "FILE", description = "Write it here (default: standard output).")
  Path out;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() throws IOException {
    String pw = Passwords.resolve(spec, "--tls-password", password, "--tls-password-file", passwordFile);
    String pem = pem(certificates(keystore, pw));
    if (out == null) {
      PrintWriter o = spec.commandLine().getOut();
      o.print(pem);
      o.flush();
    } else {
      Files.writeString(out, pem, StandardCharsets.US_ASCII);
      PrintWriter err = spec.commandLine().getErr();
      err.println("Wrote the coordinator's certificate to " + out + "; give it to agents and clients with --trust "
          + out);
      err.flush();
    }
    return 0;
  }

  /** The certificate of each key entry of the keystore: what the coordinator presents. */
  static List<Certificate> certificates(Path keystore, String password) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(keystore);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the keystore " + keystore + ": " + e.getClass().getSimpleName()
          + ": " + e.getMessage(), e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(new ByteArrayInputStream(bytes), password.toCharArray());
      List<Certificate> certs = new ArrayList<>();
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias) && ks.getCertificate(alias) != null) {
          certs.add(ks.getCertificate(alias));
        }
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("the keystore " + keystore + " holds no key with a certificate; is it the "
            + "one the coordinator serves (--tls-keystore)?");
      }
      return certs;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot open the keystore " + keystore + " as PKCS#12 with the password "
          + "given (" + e.getMessage() + ")", e);
    }
  }

  static String pem(List<Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    for (Certificate c : certs) {
      try {
        sb.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot encode a certificate: " + e.getMessage(), e);
      }
    }
    return sb.toString();
  }
}
