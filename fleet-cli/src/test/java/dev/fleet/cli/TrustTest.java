package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS the safe way round: the coordinator's password from a file or the environment, its certificate exported
 * as PEM without the key, agents and clients trusting that PEM (or a store of certificates only), and the
 * coordinator's own keystore refused as a trust store.
 */
class TrustTest {
  private static final String PASSWORD = "fleet-test-pass";

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    Running.stopAll();
  }

  private Run run(Map<String, String> env, String... args) {
    return Run.of(env, dir.resolve("home"), args);
  }

  private Run run(String... args) {
    return run(Map.of(), args);
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, p.exitValue(), out);
  }

  /** The coordinator's keystore: a key and its self-signed certificate for 127.0.0.1, as TlsTest makes it. */
  private Path keystore() throws Exception {
    Path ks = dir.resolve("coordinator.p12");
    keytool("-genkeypair", "-alias", "fleet", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        ks.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    return ks;
  }

  private static void waitFor(Path file) {
    for (int i = 0; i < 600 && !Files.exists(file); i++) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(file), file + " was written");
  }

  @Test
  void agentsAndClientsTrustTheExportedCertificateAndNeverTheKeystore() throws Exception {
    Path ks = keystore();
    Path passwordFile = dir.resolve("tls-password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    Path pem = dir.resolve("coordinator.pem");

    Run exported = run("coordinator", "export-cert", "--tls-keystore", ks.toString(), "--tls-password-file",
        passwordFile.toString(), "--out", pem.toString());
    assertEquals(0, exported.code(), exported.out() + exported.err());
    String text = Files.readString(pem);
    assertTrue(text.startsWith("-----BEGIN CERTIFICATE-----\n"), text);
    assertFalse(text.contains("PRIVATE"), "no private key in the exported PEM: " + text);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    try (InputStream in = Files.newInputStream(pem)) {
      assertEquals(keys.getCertificate("fleet"), CertificateFactory.getInstance("X.509").generateCertificate(in),
          "the PEM is the keystore's certificate");
    }
    Run toStdout = run("coordinator", "export-cert", "--tls-keystore", ks.toString(), "--tls-password", PASSWORD);
    assertEquals(text, toStdout.out(), "without --out the PEM goes to standard output");

    // The keystore's password from the environment, not the command line.
    String state = dir.resolve("state").toString();
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> run(
        Map.of("FLEET_COORDINATOR_TLS_PASSWORD", PASSWORD), "coordinator", "--port", "0", "--state-dir", state,
        "--tls-keystore", ks.toString(), "--heartbeat-interval", "500ms", "--stop-after", "2m"));
    waitFor(dir.resolve("state").resolve(StateDir.URL));
    String url = Files.readString(dir.resolve("state").resolve(StateDir.URL)).trim();
    assertTrue(url.startsWith("https://127.0.0.1:"), url);

    CompletableFuture<Run> agent = CompletableFuture.supplyAsync(() -> run("agent", "--join", url, "--token-file",
        dir.resolve("state").resolve(StateDir.JOIN_TOKEN).toString(), "--id", "pem-agent", "--no-probes",
        "--credential-file", dir.resolve("pem-agent.credential").toString(), "--trust", pem.toString(),
        "--stop-after", "2m"));
    waitFor(dir.resolve("pem-agent.credential"));

    Run status = run("status", "--state-dir", state, "--trust", pem.toString());
    assertEquals(0, status.code(), status.out() + status.err());
    assertTrue(status.out().contains("pem-agent"), status.out());

    // A store holding only the certificate works too, its password from a file.
    Path trustStore = dir.resolve("trust.p12");
    keytool("-importcert", "-noprompt", "-alias", "fleet", "-file", pem.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    Run viaStore = run("status", "--state-dir", state, "--trust", trustStore.toString(), "--trust-password-file",
        passwordFile.toString());
    assertEquals(0, viaStore.code(), viaStore.out() + viaStore.err());

    Run refused = run("status", "--state-dir", state, "--trust", ks.toString(), "--trust-password", PASSWORD);
    assertNotEquals(0, refused.code());
    assertTrue(refused.err().contains("holds a private key") && refused.err().contains("export-cert"),
        refused.err());
    Run refusedAgent = run("agent", "--join", url, "--token-file",
        dir.resolve("state").resolve(StateDir.JOIN_TOKEN).toString(), "--id", "key-agent", "--no-probes",
        "--state-dir", dir.resolve("key-agent").toString(), "--trust", ks.toString(), "--trust-password", PASSWORD,
        "--stop-after", "2m");
    assertNotEquals(0, refusedAgent.code());
    assertTrue(refusedAgent.err().contains("holds a private key"), refusedAgent.err());
    assertFalse(Files.exists(dir.resolve("key-agent")), "a refused agent writes nothing");

    Running.stopAll();
    assertEquals(0, agent.get(60, TimeUnit.SECONDS).code());
    assertEquals(0, coordinator.get(60, TimeUnit.SECONDS).code());
  }

  @Test
  void aPasswordComesFromOneSourceAndAnUnreadableFileIsNamed() throws Exception {
    Path ks = keystore();
    Path passwordFile = dir.resolve("tls-password");
    Files.writeString(passwordFile, PASSWORD);
    Run both = run(Map.of("FLEET_COORDINATOR_EXPORT_CERT_TLS_PASSWORD", PASSWORD), "coordinator", "export-cert",
        "--tls-keystore", ks.toString(), "--tls-password-file", passwordFile.toString());
    assertEquals(1, both.code(), both.err());
    assertTrue(both.err().contains("FLEET_COORDINATOR_EXPORT_CERT_TLS_PASSWORD")
        && both.err().contains("--tls-password-file"), both.err());

    Path missing = dir.resolve("no-such-password");
    Run unreadable = run("coordinator", "--port", "0", "--state-dir", dir.resolve("state").toString(),
        "--tls-keystore", ks.toString(), "--tls-password-file", missing.toString(), "--stop-after", "1s");
    assertEquals(1, unreadable.code(), unreadable.err());
    assertTrue(unreadable.err().contains("cannot read the password file " + missing), unreadable.err());
    assertFalse(Files.exists(dir.resolve("state")), "nothing written to the state directory");

    Run bothTrust = run("status", "--coordinator", "https://127.0.0.1:9", "--client-token", "t", "--trust",
        ks.toString(), "--trust-password", PASSWORD, "--trust-password-file", passwordFile.toString());
    assertNotEquals(0, bothTrust.code());
    assertTrue(bothTrust.err().contains("--trust-password and --trust-password-file"), bothTrust.err());

    Run badTrust = run("status", "--coordinator", "https://127.0.0.1:9", "--client-token", "t", "--trust",
        missing.toString());
    assertNotEquals(0, badTrust.code());
    assertTrue(badTrust.err().contains("cannot read the --trust file " + missing), badTrust.err());
  }
}
