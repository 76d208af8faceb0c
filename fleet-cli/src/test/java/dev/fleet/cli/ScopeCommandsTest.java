package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet join-token create|list|revoke}, {@code fleet approvals} and {@code fleet approve} against a real
 * {@code fleet coordinator} on 127.0.0.1 with a journal, with machines that join over HTTP; and a scoped token
 * that outlives the coordinator's restart.
 */
@Timeout(120)
class ScopeCommandsTest {
  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private CompletableFuture<Run> coordinator;

  @AfterEach
  void stop() throws Exception {
    Running.stopAll();
    if (coordinator != null) {
      coordinator.get(30, TimeUnit.SECONDS);
    }
  }

  private Run run(String... args) {
    return Run.of(env, dir.resolve("home"), args);
  }

  /** Starts {@code fleet coordinator} on a free port with its state (and journal) in {@code state}; returns its URL. */
  private URI startCoordinator(Path state, String... more) throws Exception {
    Path urlFile = state.resolve(StateDir.URL);
    Files.deleteIfExists(urlFile);
    String[] args = new String[] {"coordinator", "--state-dir", state.toString(), "--port", "0", "--stop-after", "2m"};
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
        .toArray(String[]::new);
    coordinator = CompletableFuture.supplyAsync(() -> run(all));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(urlFile) && !coordinator.isDone() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(urlFile), "the coordinator started: " + (coordinator.isDone() ? coordinator.get() : ""));
    return URI.create(Files.readString(urlFile).trim());
  }

  private void stopCoordinator() throws Exception {
    Running.stopAll();
    coordinator.get(30, TimeUnit.SECONDS);
    coordinator = null;
  }

  private HttpResponse<String> post(URI url, String path, String bearer, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String join(String id, String role, String caps) {
    return "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"" + role
        + "\",\"capabilities\":[" + caps + "]}}";
  }

  private static String credential(String body) {
    Matcher m = Pattern.compile("\"credential\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
    assertTrue(m.find(), body);
    return m.group(1);
  }

  @Test
  void joinTokensApprovalsAndARestart() throws Exception {
    Path state = dir.resolve("state");
    URI url = startCoordinator(state);
    String s = "--state-dir=" + state;

    Run empty = run("join-token", "list", s);
    assertEquals(0, empty.code(), empty.err());
    assertTrue(empty.out().startsWith("No scoped join tokens"), empty.out());

    Run created = run("join-token", "create", "laptops", s, "--role", "laptop", "--capabilities", "code,inference",
        "--id-pattern", "laptop-*", "--beyond", "hold");
    assertEquals(0, created.code(), created.err());
    Matcher m = Pattern.compile("join token: (\\S+)").matcher(created.out());
    assertTrue(m.find(), created.out());
    String token = m.group(1);
    assertTrue(created.out().startsWith("Made join token 'laptops': role laptop, capabilities code,inference, ids "
        + "'laptop-*'; a claim beyond it is held for `fleet approve`."), created.out());
    assertTrue(created.out().contains("fleet agent --join " + url + " --token " + token + " --id laptop-1 --role "
        + "laptop --capabilities code,inference"), created.out());

    Run listed = run("join-token", "list", s);
    assertTrue(listed.out().matches("(?s)NAME +ROLE +CAPABILITIES +IDS +BEYOND +MACHINES\n"
        + "laptops +laptop +code,inference +laptop-\\* +hold +0\n"), listed.out());
    assertFalse(listed.out().contains(token));

    Run badBeyond = run("join-token", "create", "x", s, "--beyond", "maybe");
    assertEquals(1, badBeyond.code());
    assertEquals("fleet join-token create: --beyond must be refuse or hold, got 'maybe'\n", badBeyond.err());
    Run twice = run("join-token", "create", "laptops", s);
    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("a join token named 'laptops' exists already"), twice.err());

    // A new machine beyond the scope is held; the operator approves it; its agent joins when it asks again.
    HttpResponse<String> held = post(url, "/v1/join", token, join("laptop-1", "laptop", "\"code\",\"gpu\""));
    assertEquals(403, held.statusCode(), held.body());
    assertTrue(held.body().contains("fleet approve laptop-1"), held.body());
    Run claims = run("approvals", s);
    assertEquals(0, claims.code(), claims.err());
    assertTrue(claims.out().matches("(?s)MACHINE +STATE +TOKEN +ROLE +CAPABILITIES +BEYOND +FROM\n"
        + "laptop-1 +held \\(new\\) +laptops +laptop +code,gpu +capability 'gpu' +127\\.0\\.0\\.1\n"
        + "Approve one with: fleet approve MACHINE\n"), claims.out());
    Run approved = run("approve", "laptop-1", s);
    assertEquals(0, approved.code(), approved.err());
    assertEquals("Approved: machine 'laptop-1' may join with role 'laptop' and capabilities [code, gpu] the next "
        + "time its agent asks.\n", approved.out());
    assertEquals(200, post(url, "/v1/join", token, join("laptop-1", "laptop", "\"code\",\"gpu\"")).statusCode());
    Run nobody = run("approve", "nobody", s);
    assertEquals(1, nobody.code());
    assertEquals("fleet approve: the coordinator at " + url + " says: no claim of machine 'nobody' waits for "
        + "approval; GET /v1/approvals (`fleet approvals`) lists those that do\n", nobody.err());

    // The default for the fleet's own token: trusted on the first join, a later claim of more is held.
    String fleetToken = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    HttpResponse<String> first = post(url, "/v1/join", fleetToken, join("desk", "worker", "\"code\""));
    assertEquals(200, first.statusCode(), first.body());
    HttpResponse<String> more = post(url, "/v1/join", credential(first.body()), join("desk", "worker",
        "\"code\",\"gpu\""));
    assertEquals(200, more.statusCode(), more.body());
    assertTrue(more.body().contains("held for approval"), more.body());
    Run deskHeld = run("approvals", s);
    assertTrue(deskHeld.out().matches("(?s).*\ndesk +held \\(joined\\) +fleet +worker +code,gpu +capability 'gpu' .*"),
        deskHeld.out());
    Run dismissed = run("approve", "--dismiss", "desk", s);
    assertEquals("Dismissed the claim of desk; nothing of it was approved.\n", dismissed.out());
    assertEquals("No claims wait for approval.\n", run("approvals", s).out());

    // The scoped token and which machine joined with it outlive a restart (the journal in the state directory).
    stopCoordinator();
    URI again = startCoordinator(state);
    Run kept = run("join-token", "list", s);
    assertTrue(kept.out().matches("(?s).*\nlaptops +laptop +code,inference +laptop-\\* +hold +1\n"), kept.out());
    assertEquals(403, post(again, "/v1/join", token, join("desk-2", "laptop", "\"code\"")).statusCode(),
        "the scope still binds: desk-2 is not a laptop-* id");
    Run revoked = run("join-token", "revoke", "laptops", s);
    assertEquals(0, revoked.code(), revoked.err());
    assertTrue(revoked.out().startsWith("Revoked join token 'laptops'"), revoked.out());
    assertEquals(401, post(again, "/v1/join", token, join("laptop-2", "laptop", "\"code\"")).statusCode());
    Run unknown = run("join-token", "revoke", "laptops", s);
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("no scoped join token is named 'laptops'"), unknown.err());
  }

  @Test
  void theCoordinatorsCapabilityChangesPolicyIsChecked() {
    Run bad = run("coordinator", "--state-dir", dir.resolve("s").toString(), "--port", "0",
        "--capability-changes", "sometimes");
    assertEquals(1, bad.code());
    assertEquals("fleet coordinator: --capability-changes must be hold, refuse or accept, got 'sometimes'\n",
        bad.err());
    assertFalse(Files.exists(dir.resolve("s").resolve(StateDir.CLIENT_TOKEN)), "nothing was written");
  }
}
