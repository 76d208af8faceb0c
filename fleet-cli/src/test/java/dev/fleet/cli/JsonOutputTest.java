package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.transport.http.FollowerServer;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code -o json} of every command that reads, against a real {@code fleet coordinator} on 127.0.0.1 with machines
 * that join over HTTP: each run prints one JSON document that parses, with the API's field names, and a failure
 * is one problem+json document on standard error with a non-zero exit status.
 */
@Timeout(120)
class JsonOutputTest {
  /** The commands that read and print what a coordinator holds: each must take {@code -o json}. */
  static final Set<String> READS = Set.of("status", "explain", "tasks", "events", "approvals", "join-token list",
      "rules", "capacity");

  /** Every other command, and why it has no {@code -o json}: a command in neither set fails here. */
  static final Map<String, String> NOT_READS = Map.ofEntries(
      Map.entry("", "fleet itself prints its usage"),
      Map.entry("coordinator", "runs a coordinator"),
      Map.entry("coordinator promote", "changes a state directory"),
      Map.entry("coordinator export-cert", "writes a certificate"),
      Map.entry("agent", "runs an agent"),
      Map.entry("sleep", "tells the coordinator"),
      Map.entry("demo", "a walk through for people"),
      Map.entry("submit", "changes: submits"),
      Map.entry("cancel", "changes: cancels"),
      Map.entry("drain", "changes: drains"),
      Map.entry("undrain", "changes: ends a drain"),
      Map.entry("rm", "changes: removes"),
      Map.entry("approve", "changes: approves"),
      Map.entry("join-token", "prints its usage"),
      Map.entry("join-token create", "changes: makes a token"),
      Map.entry("join-token revoke", "changes: revokes"),
      Map.entry("backup", "writes a binary file"),
      Map.entry("restore", "writes a state directory"),
      Map.entry("output", "prints a task's output byte for byte; -o is its --to"),
      Map.entry("completion", "prints a shell script"),
      Map.entry("help", "prints usage"),
      // fleet registry (issue 16's other half): export prints the registry's own JSON format always
      Map.entry("registry", "prints its usage"),
      Map.entry("registry export", "prints the registry's JSON format always"),
      Map.entry("registry import", "changes: registers machines"));

  private static final JsonMapper JSON = JsonMapper.builder().build();

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

  /** The one document a run printed on standard output: exactly one line, which parses. */
  private static JsonNode document(Run r) {
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("", r.err());
    assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1,
        "one document, on one line: " + r.out());
    return JSON.readTree(r.out());
  }

  /** The problem a failed run printed on standard error: one line, which parses, with type, title and detail. */
  private static JsonNode problem(Run r, int code) {
    assertEquals(code, r.code(), r.out() + r.err());
    assertEquals("", r.out());
    assertTrue(r.err().endsWith("\n") && r.err().indexOf('\n') == r.err().length() - 1, "one line: " + r.err());
    JsonNode p = JSON.readTree(r.err());
    assertTrue(p.get("type").asString().startsWith("urn:dev.fleet:problem:"), r.err());
    assertFalse(p.get("title").asString().isEmpty(), r.err());
    assertFalse(p.get("detail").asString().isEmpty(), r.err());
    assertTrue(p.get("command").asString().startsWith("fleet"), r.err());
    assertTrue(p.get("message").asString().startsWith(p.get("command").asString() + ": "), r.err());
    return p;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void everyReadingCommandTakesOutputJsonAndEveryCommandIsSorted() {
    CommandSpec root = new CommandLine(new FleetCommand()).getCommandSpec();
    List<String> unsorted = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (CommandSpec c : OptionKeys.commands(root)) {
      String path = OptionKeys.commandPath(c).replace('.', ' ');
      seen.add(path);
      OptionSpec o = c.findOption("--output");
      if (READS.contains(path)) {
        assertNotNull(o, "fleet " + path + " reads, so it takes -o json");
        assertTrue(List.of(o.names()).contains("-o"), path);
        assertEquals(OutputOption.Format.TABLE, o.getValue(), "table is the default of fleet " + path);
      } else if (!NOT_READS.containsKey(path)) {
        unsorted.add(path);
      }
    }
    assertTrue(unsorted.isEmpty(), "commands neither in READS (with -o json) nor in NOT_READS (with why not): "
        + unsorted + "; a command that reads and prints must take -o json (OutputOption)");
    assertTrue(seen.containsAll(READS), "every read is a command: " + seen);
  }

  private URI startCoordinator(Path state) throws Exception {
    Path urlFile = state.resolve(StateDir.URL);
    coordinator = CompletableFuture.supplyAsync(() -> run("coordinator", "--state-dir", state.toString(), "--port",
        "0", "--heartbeat-interval", "10s", "--stop-after", "2m"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(urlFile) && !coordinator.isDone() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(urlFile), "the coordinator started: " + (coordinator.isDone() ? coordinator.get() : ""));
    return URI.create(Files.readString(urlFile).trim());
  }

  private HttpResponse<String> join(URI url, String token, String id, String caps) throws Exception {
    String body = "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"laptop\","
        + "\"capabilities\":[" + caps + "]}}";
    return http.send(HttpRequest.newBuilder(url.resolve("/v1/join")).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyReadingCommandPrintsOneDocumentWithTheApisFieldNames() throws Exception {
    Path state = dir.resolve("state");
    URI url = startCoordinator(state);
    String s = "--state-dir=" + state;
    String fleetToken = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    assertEquals(200, join(url, fleetToken, "desk", "\"code\"").statusCode());
    assertEquals(0, run("submit", s, "hello", "--requires", "code").code());
    assertEquals(0, run("submit", s, "render", "--requires", "gpu", "--priority", "high").code());
    Run created = run("join-token", "create", "laptops", s, "--capabilities", "code", "--beyond", "hold");
    assertEquals(0, created.code(), created.err());
    String scoped = created.out().replaceFirst("(?s).*join token: (\\S+).*", "$1");
    assertEquals(403, join(url, scoped, "laptop-1", "\"code\",\"gpu\"").statusCode(), "held for approval");

    JsonNode status = document(run("status", s, "-o", "json"));
    assertEquals("desk", status.get("machines").get(0).get("machine").get("id").asString(), status.toString());
    assertEquals("online", status.get("machines").get(0).get("health").asString());
    assertEquals(List.of("hello"), texts(status.get("machines").get(0).get("tasks")));
    assertEquals("render", status.get("queue").get(0).get("task").get("id").asString());
    assertTrue(status.get("queue").get(0).get("why").get("summary").asString().contains("lacks 'gpu'"),
        status.toString());
    assertEquals("coordinator", status.get("coordinators").get("self").asString(), status.toString());

    JsonNode explain = document(run("explain", s, "render", "--output=json"));
    assertEquals("queued", explain.get("task").get("state").asString());
    assertEquals("high", explain.get("task").get("task").get("priority").asString());
    assertEquals("desk", explain.get("explanation").get("machines").get(0).get("machine").asString(),
        explain.toString());

    JsonNode tasks = document(run("tasks", s, "-o", "json"));
    assertEquals(2, tasks.get("matched").asInt());
    assertEquals("hello", tasks.get("tasks").get(0).get("id").asString());
    assertEquals("dispatched", tasks.get("tasks").get(0).get("state").asString());
    assertEquals("desk", tasks.get("tasks").get(0).get("machine").asString());
    assertEquals(List.of("gpu"), texts(tasks.get("tasks").get(1).get("requires")));
    JsonNode newest = document(run("tasks", s, "-o", "json", "--limit", "1", "--state", "queued,dispatched"));
    assertEquals(1, newest.get("tasks").size());
    assertEquals(2, newest.get("matched").asInt(), "matched says that more match than shown");

    JsonNode events = document(run("events", s, "-o", "json", "--last", "100"));
    List<String> seen = new ArrayList<>();
    for (JsonNode e : events.get("events")) {
      assertTrue(e.get("id").asString().matches("\\d+"), e.toString());
      seen.add(e.get("type").asString() + " " + (e.has("task") ? e.get("task").asString() : e.get("machine")
          .asString()) + " " + e.get("from").asString() + " -> " + e.get("to").asString());
    }
    assertTrue(seen.contains("task hello queued -> dispatched"), seen.toString());
    assertTrue(seen.contains("health desk unknown -> online") || seen.stream().anyMatch(l -> l.startsWith(
        "health desk ")), seen.toString());

    JsonNode approvals = document(run("approvals", s, "-o", "json"));
    assertEquals("laptop-1", approvals.get(0).get("machine").asString(), approvals.toString());
    assertEquals("laptops", approvals.get(0).get("token").asString());
    assertEquals(List.of("capability 'gpu'"), texts(approvals.get(0).get("beyond")));

    JsonNode tokens = document(run("join-token", "list", s, "-o", "json"));
    assertEquals("laptops", tokens.get(0).get("name").asString(), tokens.toString());
    assertEquals("hold", tokens.get(0).get("beyond").asString());
    assertFalse(tokens.toString().contains(scoped), "no secret");

    JsonNode rules = document(run("rules", s, "-o", "json"));
    assertEquals("coordinator", rules.get("source").asString());
    assertEquals(url.toString().replaceFirst("/$", ""), rules.get("coordinator").asString().replaceFirst("/$", ""));
    assertTrue(rules.get("rules").asString().length() > 100, rules.toString());
    JsonNode builtIn = document(run("rules", "--defaults", "-o", "json"));
    assertEquals("built-in", builtIn.get("source").asString());
    assertTrue(builtIn.get("coordinator").isNull());

    // FLEET_OUTPUT sets it for every command that has it; -o table on the command line wins.
    env.put("FLEET_OUTPUT", "json");
    assertEquals(2, document(run("tasks", s)).get("matched").asInt());
    assertTrue(run("tasks", s, "-o", "table").out().startsWith("ID "), "the table");

    // Following: one document a line (NDJSON), each an event.
    env.remove("FLEET_OUTPUT");
    String last = events.get("events").get(events.get("events").size() - 1).get("id").asString();
    CompletableFuture<Run> following = CompletableFuture.supplyAsync(() -> run("events", s, "-f", "-o", "json",
        "--since", last, "--stop-after", "4s"));
    assertEquals(0, run("cancel", s, "render").code());
    Run followed = following.get(30, TimeUnit.SECONDS);
    assertEquals(0, followed.code(), followed.err());
    String[] lines = followed.out().split("\n");
    JsonNode first = JSON.readTree(lines[0]);
    assertEquals(Long.parseLong(last) + 1, Long.parseLong(first.get("id").asString()), followed.out());
    assertEquals("render", first.get("task").asString());
    assertEquals("cancelled", first.get("to").asString());
    for (String line : lines) {
      assertEquals("task", JSON.readTree(line).get("type").asString(), line);
    }

    // The coordinator's problems are passed on as it sent them.
    JsonNode unknown = problem(run("explain", s, "nope", "-o", "json"), 1);
    assertEquals("urn:dev.fleet:problem:unknown-task", unknown.get("type").asString(), unknown.toString());
    assertEquals(404, unknown.get("status").asInt());
    assertEquals("Not Found", unknown.get("title").asString());
    JsonNode refused = problem(run("status", s, "-o", "json", "--client-token", "c.not-the-token-of-this-coordinator"), 1);
    assertEquals(401, refused.get("status").asInt(), refused.toString());
    assertTrue(refused.get("message").asString().contains("refused the client token"), refused.toString());
    assertEquals(url.toString().replaceFirst("/$", ""), refused.get("coordinator").asString());
  }

  @Test
  void aCoordinatorsProblemIsPassedOnWithItsOwnFields() throws Exception {
    // A replicated coordinator that knows no leader answers 503 no-leader; the problem comes through whole.
    Coordinators view = new Coordinators("b", Optional.empty(), 4, List.of(new Coordinators.Node("b",
        URI.create("http://127.0.0.1:7072"), Coordinators.Role.FOLLOWER)));
    try (FollowerServer f = FollowerServer.start("127.0.0.1", 0, null, null, () -> view)) {
      String url = "http://127.0.0.1:" + f.port();
      HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/machines")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode sent = JSON.readTree(direct.body());
      Path token = dir.resolve("token");
      Files.writeString(token, "c.not-the-token-of-any-coordinator");
      JsonNode got = problem(run("status", "--coordinator", url, "--client-token-file", token.toString(), "-o",
          "json"), 1);
      assertEquals("urn:dev.fleet:problem:no-leader", got.get("type").asString(), got.toString());
      sent.properties().forEach(field -> assertEquals(field.getValue(), got.get(field.getKey()),
          "the coordinator's field " + field.getKey() + " as it sent it: " + got));
      assertEquals(503, got.get("status").asInt());
    }
  }

  @Test
  void failuresOnThisSideAreProblemsToo() throws Exception {
    // Nothing listens on the port: unreachable, with where the URL came from.
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path token = dir.resolve("token");
    Files.writeString(token, "c.not-the-token-of-any-coordinator");
    String nobody = "http://127.0.0.1:" + port;
    JsonNode none = problem(run("status", "--coordinator", nobody, "--client-token-file", token.toString(), "-o",
        "json"), 1);
    assertEquals("urn:dev.fleet:problem:unreachable", none.get("type").asString(), none.toString());
    assertTrue(none.get("detail").asString().contains("connection refused"), none.toString());
    assertEquals(nobody, none.get("coordinator").asString());
    assertEquals("--coordinator", none.get("coordinatorFrom").asString().replaceAll(".*(--coordinator).*", "$1"));
    assertFalse(none.has("status"), "no HTTP status: nothing answered");

    // Several coordinators, none answering: each one tried.
    JsonNode noneOfTwo = problem(run("tasks", "--coordinator", nobody + "," + nobody.replace("127.0.0.1",
        "localhost"), "--client-token-file", token.toString(), "-o", "json"), 1);
    assertEquals("urn:dev.fleet:problem:unreachable", noneOfTwo.get("type").asString(), noneOfTwo.toString());
    assertEquals(2, noneOfTwo.get("tried").size(), noneOfTwo.toString());

    // A value the command refuses, and no client token.
    JsonNode limit = problem(run("tasks", "--coordinator", nobody, "--client-token-file", token.toString(),
        "--limit", "0", "-o", "json"), 1);
    assertEquals("urn:dev.fleet:problem:command-failed", limit.get("type").asString());
    assertEquals("--limit must be from 1 to 10000, got 0", limit.get("detail").asString());
    JsonNode noToken = problem(run("approvals", "--state-dir", dir.resolve("empty").toString(), "-o", "json"), 1);
    assertEquals("urn:dev.fleet:problem:command-failed", noToken.get("type").asString());
    assertTrue(noToken.get("detail").asString().startsWith("no client token"), noToken.toString());

    // A bad command line: usage, exit status 2, whether -o json comes before or after the mistake.
    JsonNode badOption = problem(run("status", "-o", "json", "--no-such-option"), 2);
    assertEquals("urn:dev.fleet:problem:usage", badOption.get("type").asString(), badOption.toString());
    assertEquals("fleet status", badOption.get("command").asString());
    assertTrue(badOption.get("detail").asString().contains("--no-such-option"), badOption.toString());
    JsonNode badValue = problem(run("events", "--last", "many", "--output", "json"), 2);
    assertTrue(badValue.get("detail").asString().contains("'many'"), badValue.toString());
    env.put("FLEET_OUTPUT", "json");
    JsonNode fromEnv = problem(run("tasks", "--limit", "x"), 2);
    assertEquals("urn:dev.fleet:problem:usage", fromEnv.get("type").asString());
    env.put("FLEET_TASKS_LIMIT", "lots");
    JsonNode named = problem(run("tasks"), 2);
    assertTrue(named.get("detail").asString().contains("(from FLEET_TASKS_LIMIT)"), named.toString());
    env.clear();
    env.put("FLEET_TASKS_LIMT", "5");
    JsonNode typo = problem(run("tasks", "-o", "json"), 2);
    assertTrue(typo.get("detail").asString().contains("FLEET_TASKS_LIMT"), typo.toString());
    env.clear();

    // -o takes json or table; anything else is an error in words (which format it wanted is unknown).
    Run xml = run("status", "-o", "xml");
    assertEquals(2, xml.code());
    assertTrue(xml.err().contains("'xml' is not json or table"), xml.err());

    // Table mode is unchanged: the one line.
    Run plain = run("status", "--coordinator", nobody, "--client-token-file", token.toString());
    assertEquals(1, plain.code());
    assertTrue(plain.err().startsWith("fleet status: cannot reach the coordinator at " + nobody), plain.err());
  }
}
