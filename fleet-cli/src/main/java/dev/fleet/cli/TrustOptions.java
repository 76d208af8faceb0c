package dev.fleet.cli;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options that say which coordinator certificate to trust over https ({@code --trust} and its password),
 * shared by the agent, {@code fleet sleep} and every client command.
 *
 * <p>Not thread-safe; picocli fills it on one thread.
 */
final class TrustOptions {
  @Option(names = "--trust", paramLabel = "FILE", description = "The coordinator's certificate to trust, for https: "
      + "a PEM file (from `fleet coordinator export-cert`) or a PKCS#12 trust store of certificates only; a keystore "
      + "with a private key is refused.")
  Path trust;

  @Option(names = "--trust-password", paramLabel = "PASSWORD", description = "The --trust store's password, if it "
      + "has one (or $FLEET_TRUST_PASSWORD, or --trust-password-file, which keep it out of `ps`).")
  String trustPassword;

  @Option(names = "--trust-password-file", paramLabel = "FILE",
      description = "Read the --trust store's password from this file.")
  Path trustPasswordFile;

  /**
   * The TLS context trusting {@code --trust}, or null without it; a bad file or password is refused here.
   *
   * @param command the command these options belong to, which says where each value came from
   */
  SSLContext context(CommandSpec command) {
    String pw = Passwords.resolve(command, "--trust-password", trustPassword, "--trust-password-file",
        trustPasswordFile);
    return trust == null ? null : TrustedCertificates.context(trust, pw);
  }
}
