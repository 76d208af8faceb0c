package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.core.Fleets;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 keystore made with the JDK's keytool; agents that trust it join, others cannot. */
class TlsTest {
  private static final String PASSWORD = "fleet-test-pass";

  static Path keystore(Path dir) throws Exception {
    Path ks = dir.resolve("coordinator.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "fleet", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASSWORD,
        "-keypass", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, p.exitValue(), out);
    return ks;
  }

  /** A TLS context that trusts exactly the keystore's certificate. */
  static SSLContext trusting(Path ks) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("coordinator", keys.getCertificate("fleet"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void agentsJoinOverHttpsAndUntrustingClientsCannotConnect(@TempDir Path dir) throws Exception {
    Path ks = keystore(dir);
    String join = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(HttpCoordinator.newSecret())
        .tls(ks, PASSWORD).build();
    try (Fleet fleet = Fleets.newBuilder().transport(c).heartbeatInterval(Duration.ofMillis(200)).build()) {
      c.start(fleet);
      URI uri = c.uri();
      assertEquals("https", uri.getScheme());
      try (HttpAgent agent = HttpAgent.newBuilder(uri, Machine.of("secure", "secure.local", "worker", List.of("code")))
          .joinToken(join).sslContext(trusting(ks)).slots(1)
          .handler(ctx -> TaskResult.success(Payload.text("over tls", "text/plain"))).build().start()) {
        Await.until(Duration.ofSeconds(20), () -> agent.state() == HttpAgent.State.CONNECTED, () -> agent.toString());
        fleet.dispatcher().submit(Task.newBuilder("t").requires("code").build());
        Await.until(Duration.ofSeconds(20), () -> fleet.dispatcher().status(TaskId.of("t")).orElseThrow().state()
            == TaskState.SUCCEEDED, () -> "task done over TLS");
      }
      HttpClient untrusting = HttpClient.newHttpClient();
      assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> untrusting.send(
          HttpRequest.newBuilder(uri.resolve("/v1/ping")).build(), HttpResponse.BodyHandlers.ofString()));
      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(ks)).build();
      assertEquals(200, trusting.send(HttpRequest.newBuilder(uri.resolve("/v1/ping")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    } finally {
      c.close();
    }
  }

  @Test
  void theCoordinatorLogsFailedHandshakesWithTheAddressAndAtMostOneLineAMinute(@TempDir Path dir) throws Exception {
    Path ks = keystore(dir);
    java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(HttpCoordinator.class.getName());
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getMessage().startsWith("TLS handshake")) {
          lines.add(r.getLevel().getName() + " " + r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(HttpCoordinator.newSecret())
        .adminToken(HttpCoordinator.newSecret()).tls(ks, PASSWORD).build();
    try (Fleet fleet = Fleets.newBuilder().transport(c).build()) {
      c.start(fleet);
      HttpClient untrusting = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> untrusting.send(
            HttpRequest.newBuilder(c.uri().resolve("/v1/ping")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      Await.until(Duration.ofSeconds(20), () -> !lines.isEmpty(), () -> "a failed handshake logged");
      assertEquals(1, lines.size(), "20 failures in a minute are one line: " + lines);
      assertTrue(lines.get(0).startsWith("WARNING TLS handshake from /127.0.0.1:"), lines.get(0));
      assertTrue(lines.get(0).contains("failed: "), lines.get(0));
    } finally {
      c.close();
      logger.removeHandler(capture);
    }
  }
}
