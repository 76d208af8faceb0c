package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.testing.FakeTicker;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Thousands of malformed, oversized, deeply nested, wrongly typed and invalid bodies: every reply is a 4xx
 * problem+json that says what was wrong, never a 5xx, and the registry and queue do not change.
 */
class BadInputProperties {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_BODY = 4096;
  private static TestCoordinator t;
  private static String credA;
  private static String token;
  /** Join-token rotations and revocations seen; none may happen. */
  private static final java.util.concurrent.atomic.AtomicInteger TOKEN_CHANGES =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Per property, how many requests got each status. */
  private static final java.util.Map<String, java.util.Map<Integer, Integer>> TALLY = new java.util.TreeMap<>();
  private static String group = "setup";

  /** An endpoint with a valid body whose fields the properties break. */
  enum Endpoint {
    JOIN("/v1/join", "{\"machine\":{\"id\":\"zz\",\"hostname\":\"zz.local\",\"role\":\"worker\",\"capabilities\":[\"code\"],"
        + "\"specs\":{\"ram\":\"8GB\",\"chip\":\"M1\",\"gpu\":true,\"cores\":4,\"extra\":{\"disk\":\"1TB\"}},"
        + "\"labels\":{\"form\":\"laptop\"}}}"),
    HEARTBEAT("/v1/heartbeat", "{\"sequence\":5,\"load\":0.25,\"signals\":{\"onBattery\":true,\"batteryPercent\":50,"
        + "\"throttled\":false,\"ownerIdleMillis\":1000,\"metrics\":{\"cpu.temp\":61.5}},\"ack\":0}"),
    STARTED("/v1/tasks/at/started", "{\"token\":\"TOKEN\"}"),
    RESULT("/v1/tasks/at/result", "{\"token\":\"TOKEN\",\"succeeded\":true,\"output\":{\"mediaType\":\"text/plain\","
        + "\"text\":\"x\"},\"message\":\"m\"}"),
    SUBMIT("/v1/tasks", "{\"tasks\":[{\"id\":\"new1\",\"title\":\"t\",\"requires\":[\"code\"],\"priority\":\"high\","
        + "\"payload\":{\"mediaType\":\"text/plain\",\"text\":\"x\"},\"role\":\"worker\",\"weight\":\"heavy\","
        + "\"deadlineMillis\":100000,\"maxAttempts\":2,\"idempotencyKey\":\"k\",\"reschedule\":{\"delayMillis\":1,"
        + "\"multiplier\":2.0,\"maxDelayMillis\":10,\"asleepGraceMillis\":5},"
        + "\"onOwnerReturn\":{\"action\":\"pause\",\"pauseAtMostMillis\":60000}}]}"),
    RESULTS("/v1/results", "{\"results\":[{\"task\":\"at\",\"token\":\"TOKEN\",\"succeeded\":true,"
        + "\"output\":{\"mediaType\":\"text/plain\",\"text\":\"x\"},\"message\":\"m\"}]}"),
    STARTED_BATCH("/v1/started", "{\"started\":[{\"task\":\"at\",\"token\":\"TOKEN\"}]}"),
    DRAIN("/v1/machines/a/drain", "{\"deadlineMillis\":1000}"),
    REROUTE("/v1/tasks/at/reroute", "{\"machine\":\"b\"}"),
    JOIN_TOKENS("/v1/join-tokens", "{\"name\":\"fuzz\",\"role\":\"worker\",\"capabilities\":[\"code\"],"
        + "\"idPattern\":\"lap-*\",\"beyond\":\"hold\"}");

    final String path;
    final String template;

    Endpoint(String path, String template) {
      this.path = path;
      this.template = template;
    }

    String credential() {
      return switch (this) {
        case JOIN -> t.joinToken;
        case HEARTBEAT, STARTED, RESULT, RESULTS, STARTED_BATCH -> credA;
        default -> t.adminToken;
      };
    }

    String valid() {
      return template.replace("TOKEN", token);
    }
  }

  /** A field of a template, what type it holds, and whether it is required. */
  record Field(Endpoint endpoint, String path, String type, boolean required) {}

  private static final List<Field> FIELDS = List.of(
      new Field(Endpoint.JOIN, "machine", "object", true),
      new Field(Endpoint.JOIN, "machine.id", "string", true),
      new Field(Endpoint.JOIN, "machine.hostname", "string", true),
      new Field(Endpoint.JOIN, "machine.role", "string", true),
      new Field(Endpoint.JOIN, "machine.capabilities", "array", false),
      new Field(Endpoint.JOIN, "machine.specs", "object", false),
      new Field(Endpoint.JOIN, "machine.specs.ram", "string", false),
      new Field(Endpoint.JOIN, "machine.specs.gpu", "boolean", false),
      new Field(Endpoint.JOIN, "machine.specs.cores", "integer", false),
      new Field(Endpoint.JOIN, "machine.specs.extra", "object", false),
      new Field(Endpoint.JOIN, "machine.labels", "object", false),
      new Field(Endpoint.HEARTBEAT, "sequence", "integer", true),
      new Field(Endpoint.HEARTBEAT, "load", "number", true),
      new Field(Endpoint.HEARTBEAT, "ack", "integer", false),
      new Field(Endpoint.HEARTBEAT, "signals", "object", false),
      new Field(Endpoint.HEARTBEAT, "signals.onBattery", "boolean", false),
      new Field(Endpoint.HEARTBEAT, "signals.batteryPercent", "integer", false),
      new Field(Endpoint.HEARTBEAT, "signals.ownerIdleMillis", "integer", false),
      new Field(Endpoint.HEARTBEAT, "signals.metrics", "object", false),
      new Field(Endpoint.STARTED, "token", "string", true),
      new Field(Endpoint.RESULT, "token", "string", true),
      new Field(Endpoint.RESULT, "succeeded", "boolean", true),
      new Field(Endpoint.RESULT, "output", "object", false),
      new Field(Endpoint.RESULT, "output.text", "string", false),
      new Field(Endpoint.RESULT, "message", "string", false),
      new Field(Endpoint.RESULTS, "results", "array", true),
      new Field(Endpoint.RESULTS, "results.0", "object", false),
      new Field(Endpoint.RESULTS, "results.0.task", "string", false),
      new Field(Endpoint.RESULTS, "results.0.token", "string", false),
      new Field(Endpoint.RESULTS, "results.0.succeeded", "boolean", false),
      new Field(Endpoint.RESULTS, "results.0.output", "object", false),
      new Field(Endpoint.STARTED_BATCH, "started", "array", true),
      new Field(Endpoint.STARTED_BATCH, "started.0", "object", false),
      new Field(Endpoint.STARTED_BATCH, "started.0.task", "string", false),
      new Field(Endpoint.STARTED_BATCH, "started.0.token", "string", false),
      new Field(Endpoint.SUBMIT, "tasks", "array", true),
      new Field(Endpoint.SUBMIT, "tasks.0.id", "string", true),
      new Field(Endpoint.SUBMIT, "tasks.0.title", "string", false),
      new Field(Endpoint.SUBMIT, "tasks.0.requires", "array", false),
      new Field(Endpoint.SUBMIT, "tasks.0.priority", "string", false),
      new Field(Endpoint.SUBMIT, "tasks.0.payload", "object", false),
      new Field(Endpoint.SUBMIT, "tasks.0.deadlineMillis", "integer", false),
      new Field(Endpoint.SUBMIT, "tasks.0.maxAttempts", "integer", false),
      new Field(Endpoint.SUBMIT, "tasks.0.reschedule", "object", false),
      new Field(Endpoint.SUBMIT, "tasks.0.reschedule.multiplier", "number", false),
      new Field(Endpoint.SUBMIT, "tasks.0.onOwnerReturn", "object", false),
      new Field(Endpoint.SUBMIT, "tasks.0.onOwnerReturn.action", "string", true),
      new Field(Endpoint.SUBMIT, "tasks.0.onOwnerReturn.pauseAtMostMillis", "integer", false),
      new Field(Endpoint.DRAIN, "deadlineMillis", "integer", false),
      new Field(Endpoint.REROUTE, "machine", "string", true),
      new Field(Endpoint.JOIN_TOKENS, "name", "string", true),
      new Field(Endpoint.JOIN_TOKENS, "role", "string", false),
      new Field(Endpoint.JOIN_TOKENS, "capabilities", "array", false),
      new Field(Endpoint.JOIN_TOKENS, "idPattern", "string", false),
      new Field(Endpoint.JOIN_TOKENS, "beyond", "string", false));

  /** Values of the right JSON type that Fleet's values refuse. */
  private static final List<Object[]> INVALID_VALUES = List.of(
      new Object[] {Endpoint.JOIN, "machine.id", "\"bad id!\""},
      new Object[] {Endpoint.JOIN, "machine.id", "\"\""},
      new Object[] {Endpoint.JOIN, "machine.hostname", "\"   \""},
      new Object[] {Endpoint.JOIN, "machine.role", "\"-x\""},
      new Object[] {Endpoint.JOIN, "machine.capabilities", "[\"ok\",\"not ok\"]"},
      new Object[] {Endpoint.JOIN, "machine.capabilities", "[null]"},
      new Object[] {Endpoint.JOIN, "machine.specs.ram", "\"lots\""},
      new Object[] {Endpoint.JOIN, "machine.specs.cores", "0"},
      new Object[] {Endpoint.JOIN, "machine.labels", "{\"backup\":\"zz\"}"},
      new Object[] {Endpoint.JOIN, "machine.labels", "{\"\":\"x\"}"},
      new Object[] {Endpoint.HEARTBEAT, "sequence", "-1"},
      new Object[] {Endpoint.HEARTBEAT, "load", "-0.5"},
      new Object[] {Endpoint.HEARTBEAT, "load", "1e999"},
      new Object[] {Endpoint.HEARTBEAT, "sequence", "99999999999999999999999"},
      new Object[] {Endpoint.HEARTBEAT, "signals.batteryPercent", "101"},
      new Object[] {Endpoint.HEARTBEAT, "signals.ownerIdleMillis", "-1"},
      new Object[] {Endpoint.HEARTBEAT, "signals.metrics", "{\"x\":null}"},
      new Object[] {Endpoint.STARTED, "token", "\"abc\""},
      new Object[] {Endpoint.STARTED, "token", "\"0\""},
      new Object[] {Endpoint.STARTED, "token", "\"-5\""},
      new Object[] {Endpoint.RESULT, "token", "\"18446744073709551616\""},
      new Object[] {Endpoint.RESULT, "output", "{\"text\":\"x\",\"base64\":\"eA==\"}"},
      new Object[] {Endpoint.RESULT, "output", "{\"base64\":\"***\"}"},
      new Object[] {Endpoint.RESULT, "output", "{\"mediaType\":\"nope\",\"text\":\"x\"}"},
      new Object[] {Endpoint.SUBMIT, "tasks", "[]"},
      new Object[] {Endpoint.SUBMIT, "tasks", "[null]"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.id", "\"has space\""},
      new Object[] {Endpoint.SUBMIT, "tasks.0.priority", "\"urgentish\""},
      new Object[] {Endpoint.SUBMIT, "tasks.0.weight", "\"feather\""},
      new Object[] {Endpoint.SUBMIT, "tasks.0.deadlineMillis", "-5"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.deadlineMillis", "0"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.maxAttempts", "0"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.maxAttempts", "1001"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.reschedule.multiplier", "0.5"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.reschedule.maxDelayMillis", "0"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.onOwnerReturn.action", "\"stop\""},
      new Object[] {Endpoint.SUBMIT, "tasks.0.onOwnerReturn.pauseAtMostMillis", "0"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.onOwnerReturn.pauseAtMostMillis", "-5"},
      new Object[] {Endpoint.SUBMIT, "tasks.0.title", "\"" + "x".repeat(501) + "\""},
      new Object[] {Endpoint.DRAIN, "deadlineMillis", "-1"},
      new Object[] {Endpoint.REROUTE, "machine", "\"nobody\""},
      new Object[] {Endpoint.REROUTE, "machine", "\"a b\""},
      new Object[] {Endpoint.JOIN_TOKENS, "name", "\"bad name!\""},
      new Object[] {Endpoint.JOIN_TOKENS, "name", "\"\""},
      new Object[] {Endpoint.JOIN_TOKENS, "role", "\"-x\""},
      new Object[] {Endpoint.JOIN_TOKENS, "capabilities", "[\"not ok\"]"},
      new Object[] {Endpoint.JOIN_TOKENS, "capabilities", "[null]"},
      new Object[] {Endpoint.JOIN_TOKENS, "idPattern", "\"\""},
      new Object[] {Endpoint.JOIN_TOKENS, "idPattern", "\"a b*\""},
      new Object[] {Endpoint.JOIN_TOKENS, "beyond", "\"maybe\""},
      new Object[] {Endpoint.JOIN_TOKENS, "beyond", "\"accept\""});

  @BeforeContainer
  static void start() {
    FakeTicker ticker = new FakeTicker(1_000_000_000L);
    t = new TestCoordinator(b -> b.maxBodyBytes(MAX_BODY).ticker(ticker).rateLimit(1e9, 1_000_000)
        .onJoinTokenChange(changed -> TOKEN_CHANGES.incrementAndGet()),
        f -> f.ticker(ticker));
    credA = CoordinatorApiTest.field(t.http.post("/v1/join", t.joinToken, CoordinatorApiTest.machineJson("a", "code"))
        .body(), "credential");
    String credB = CoordinatorApiTest.field(t.http.post("/v1/join", t.joinToken,
        CoordinatorApiTest.machineJson("b", "social")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", credA, "{\"sequence\":0,\"load\":0.1}").status());
    assertEquals(200, t.http.post("/v1/heartbeat", credB, "{\"sequence\":0,\"load\":0.1}").status());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"at\",\"requires\":[\"code\"]}]}")
        .status());
    token = CoordinatorApiTest.field(t.http.get("/v1/assignments?waitMillis=5000", credA).body(), "token");
    // b is drained, so an undrain that acted would show.
    assertEquals(200, t.http.post("/v1/machines/b/drain", t.adminToken, "{}").status());
  }

  @AfterContainer
  static void stop() throws java.io.IOException {
    t.close();
    String figure = figure();
    System.out.println("BadInputProperties, requests sent and how they were answered:\n" + figure);
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "bad-input-figure.md"), figure);
  }

  /** Names the property whose requests {@link #tally} counts from now on. */
  private static void group(String property) {
    group = property;
  }

  /** Counts a request its property sent and the status it got, for the figure in docs/http.md. */
  private static void tally(int status) {
    synchronized (TALLY) {
      TALLY.computeIfAbsent(group, g -> new java.util.TreeMap<>()).merge(status, 1, Integer::sum);
    }
  }

  /** The figure: per property, the requests sent and how they were answered; also written to target/. */
  private static String figure() {
    StringBuilder out = new StringBuilder("| property | requests | answered |\n|---|---|---|\n");
    int total = 0;
    java.util.Map<Integer, Integer> all = new java.util.TreeMap<>();
    synchronized (TALLY) {
      for (var e : TALLY.entrySet()) {
        int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
        total += n;
        e.getValue().forEach((status, count) -> all.merge(status, count, Integer::sum));
        out.append("| `").append(e.getKey()).append("` | ").append(n).append(" | ").append(statuses(e.getValue()))
            .append(" |\n");
      }
    }
    return out.append("| all | ").append(total).append(" | ").append(statuses(all)).append(" |\n").toString();
  }

  private static String statuses(java.util.Map<Integer, Integer> counts) {
    return counts.entrySet().stream().map(c -> c.getValue() + " × " + c.getKey()).collect(Collectors.joining(", "));
  }

  private static String snapshot() {
    String machines = t.fleet.registry().list().stream().map(m -> m.machine() + " " + m.health() + " " + m.load()
        + " " + m.signals() + " " + m.lastHeartbeat() + " " + m.activeTasks()).collect(Collectors.joining("; "));
    TaskStatus at = t.fleet.dispatcher().status(TaskId.of("at")).orElseThrow();
    return machines + " | " + at.state() + " " + at.machine() + " " + at.attempt() + " | queue "
        + t.fleet.dispatcher().queue().size() + " | new1 " + t.fleet.dispatcher().status(TaskId.of("new1")).isPresent()
        + " | join token changes " + TOKEN_CHANGES.get() + " | scoped tokens "
        + t.http.get("/v1/join-tokens", t.adminToken).body() + " | approvals "
        + t.http.get("/v1/approvals", t.adminToken).body();
  }

  private static void assertRefused(Endpoint e, RawHttp.Reply r, String sent, int... allowed) {
    tally(r.status());
    String why = e + " " + sent.substring(0, Math.min(200, sent.length())) + " -> " + r.status() + " " + r.body();
    assertTrue(r.status() >= 400 && r.status() < 500, why);
    if (allowed.length > 0) {
      assertTrue(java.util.Arrays.stream(allowed).anyMatch(s -> s == r.status()), why);
    }
    assertTrue(r.isProblem(), why);
    JsonNode p = JSON.readTree(r.body());
    assertEquals(r.status(), p.get("status").asInt(), why);
    assertTrue(p.get("type").asString().startsWith("urn:dev.fleet:problem:"), why);
    assertFalse(p.get("title").asString().isBlank(), why);
    assertFalse(p.get("detail").asString().isBlank(), why);
  }

  private static void check(Endpoint e, String body, int... allowed) {
    String before = snapshot();
    RawHttp.Reply r = t.http.post(e.path, e.credential(), body);
    assertRefused(e, r, body, allowed);
    assertEquals(before, snapshot(), "state changed after " + e + " " + body);
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 500)
  void truncatedBodiesAreRefused(@ForAll("endpoints") Endpoint e, @ForAll("fractions") double cut) {
    group("truncatedBodiesAreRefused");
    String valid = e.valid();
    int at = 1 + (int) (cut * (valid.length() - 1));
    check(e, valid.substring(0, Math.min(at, valid.length() - 1)), 400);
  }

  @Property(tries = 500)
  void wronglyTypedFieldsAreRefused(@ForAll("wrongTypes") String[] mutation) {
    group("wronglyTypedFieldsAreRefused");
    Endpoint e = Endpoint.valueOf(mutation[0]);
    String body = mutate(e.valid(), mutation[1], mutation[2]);
    check(e, body, 400);
  }

  @Property(tries = 300)
  void valuesFleetRefusesAreRefused(@ForAll("invalidValues") Object[] mutation) {
    group("valuesFleetRefusesAreRefused");
    Endpoint e = (Endpoint) mutation[0];
    String body = mutate(e.valid(), (String) mutation[1], (String) mutation[2]);
    check(e, body, 400, 404, 409, 413);
  }

  @Property(tries = 500)
  void garbageIsRefused(@ForAll("endpoints") Endpoint e, @ForAll("garbage") String body) {
    group("garbageIsRefused");
    check(e, body, 400);
  }

  @Property(tries = 200)
  void deepNestingIsRefused(@ForAll("endpoints") Endpoint e, @ForAll("depths") int depth,
      @ForAll("openers") String opener) {
    group("deepNestingIsRefused");
    String body = opener.repeat(depth) + "1";
    check(e, body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body, 400);
    String inField = mutate(e.valid(), firstField(e), "1").replace(":1", ":" + opener.repeat(Math.min(depth, 600)) + "1");
    check(e, inField.length() > MAX_BODY ? inField.substring(0, MAX_BODY) : inField, 400);
  }

  @Property(tries = 200)
  void oversizedBodiesAreRefused(@ForAll("endpoints") Endpoint e, @ForAll("sizes") int size,
      @ForAll boolean chunked) throws Exception {
    group("oversizedBodiesAreRefused");
    String valid = e.valid();
    String body = valid.substring(0, valid.length() - 1) + ",\"padding\":\"" + "x".repeat(size) + "\"}";
    String before = snapshot();
    RawHttp.Reply r;
    if (chunked) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      HttpRequest req = HttpRequest.newBuilder(t.coordinator.uri().resolve(e.path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + e.credential()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
      HttpResponse<String> resp = RawHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      r = new RawHttp.Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body());
    } else {
      r = t.http.post(e.path, e.credential(), body);
    }
    assertRefused(e, r, body, 413);
    assertEquals(before, snapshot());
  }

  @Property(tries = 100)
  void bodiesOfOtherMediaTypesAreRefused(@ForAll("endpoints") Endpoint e, @ForAll("mediaTypes") String type) {
    group("bodiesOfOtherMediaTypesAreRefused");
    String before = snapshot();
    byte[] body = e.valid().getBytes(StandardCharsets.UTF_8);
    RawHttp.Reply r = t.http.post(e.path, e.credential(), body, type.equals("none") ? null : type);
    assertRefused(e, r, type, 415);
    assertEquals(before, snapshot());
  }

  @Property(tries = 200)
  void badPathsAndQueriesAreRefused(@ForAll("badTargets") String target) {
    group("badPathsAndQueriesAreRefused");
    String before = snapshot();
    String credential = target.startsWith("/v1/assignments") ? credA : t.adminToken;
    RawHttp.Reply r = t.http.get(target, credential);
    assertRefused(Endpoint.SUBMIT, r, target);
    assertEquals(before, snapshot());
  }

  /** The actions without parameters: they take no body or {@code {}}, nothing else. */
  enum Action {
    CANCEL("/v1/tasks/at/cancel"), UNDRAIN("/v1/machines/b/undrain"), SLEEP("/v1/sleep"), ROTATE("/v1/join-token"),
    APPROVE("/v1/approvals/a");

    final String path;

    Action(String path) {
      this.path = path;
    }
  }

  /** Endpoints that take no body at all, with the method they answer to. */
  enum Bodiless {
    PING("GET", "/v1/ping"), POLL("GET", "/v1/assignments?waitMillis=0"), TASK("GET", "/v1/tasks/at"),
    LIST_TASKS("GET", "/v1/tasks"), OUTPUT("GET", "/v1/tasks/at/output"), EXPLAIN("GET", "/v1/tasks/at/explanation"),
    MACHINES("GET", "/v1/machines"), MACHINE("GET", "/v1/machines/a"), QUEUE("GET", "/v1/queue"),
    RULES("GET", "/v1/rules"), EVENTS("GET", "/v1/events"), BACKUP("GET", "/v1/backup"),
    REMOVE_MACHINE("DELETE", "/v1/machines/b"), REVOKE_JOIN_TOKEN("DELETE", "/v1/join-token"),
    JOIN_TOKENS("GET", "/v1/join-tokens"), APPROVALS("GET", "/v1/approvals"),
    REVOKE_SCOPED("DELETE", "/v1/join-tokens/nope"), DISMISS("DELETE", "/v1/approvals/a"),
    CAPACITY("GET", "/v1/capacity");

    final String method;
    final String path;

    Bodiless(String method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  @Property(tries = 400)
  void actionsWithoutParametersRefuseAnyBodyButAnEmptyObject(@ForAll("actions") Action a,
      @ForAll("notEmptyObjects") String body) {
    group("actionsWithoutParametersRefuseAnyBodyButAnEmptyObject");
    String before = snapshot();
    RawHttp.Reply r = t.http.post(a.path, a == Action.SLEEP ? credA : t.adminToken, body);
    assertRefused(Endpoint.SUBMIT, r, a + " " + body, 400);
    assertTrue(r.body().contains("takes no parameters"), r.body());
    assertEquals(before, snapshot(), "state changed after " + a + " " + body);
  }

  @Property(tries = 300)
  void endpointsWithoutABodyRefuseOne(@ForAll("bodiless") Bodiless e, @ForAll("garbage") String body,
      @ForAll boolean chunked) throws Exception {
    group("endpointsWithoutABodyRefuseOne");
    String before = snapshot();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(t.coordinator.uri().resolve(e.path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").method(e.method, chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
            : HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (e != Bodiless.PING) {
      b.header("Authorization", "Bearer " + (e == Bodiless.POLL ? credA : t.adminToken));
    }
    HttpResponse<String> resp = RawHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    RawHttp.Reply r = new RawHttp.Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""),
        resp.body());
    assertRefused(Endpoint.SUBMIT, r, e + " " + body, 400);
    assertTrue(r.body().contains("takes no body"), r.body());
    assertEquals(before, snapshot(), "state changed after " + e + " with a body");
  }

  @Property(tries = 400)
  void oddRequestLinesAreAnsweredWithProblemsAndNever5xx(@ForAll("requestLines") String line) throws Exception {
    group("oddRequestLinesAreAnsweredWithProblemsAndNever5xx");
    String before = snapshot();
    JettyProblemsTest.Answer a = JettyProblemsTest.send(t, line + "\r\nHost: x\r\nConnection: close\r\n\r\n");
    tally(a.status());
    String why = line.substring(0, Math.min(120, line.length())) + " -> " + a.raw();
    assertTrue(a.status() >= 200 && a.status() < 500, why);
    if (a.status() >= 400) {
      assertTrue(a.contentType().startsWith("application/problem+json"), why);
      assertTrue(a.type() != null && a.type().startsWith("urn:dev.fleet:problem:"), why);
    }
    assertEquals(before, snapshot(), "state changed after " + why);
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<Action> actions() {
    return Arbitraries.of(Action.class);
  }

  @Provide
  Arbitrary<Bodiless> bodiless() {
    return Arbitraries.of(Bodiless.class);
  }

  @Provide
  Arbitrary<String> notEmptyObjects() {
    Arbitrary<String> fixed = Arbitraries.of("[]", "null", "1", "\"\"", "true", "{} {}", "{}}", "{\"\":1}", "[{}]",
        "{\"force\":true}", "{\"reason\":\"x\"}", " ", "{");
    Arbitrary<String> withField = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(12), Arbitraries.of("1", "\"x\"", "null", "[]", "{}", "true"))
        .as((k, v) -> "{\"" + k + "\":" + v + "}");
    return Arbitraries.oneOf(fixed, withField, garbage());
  }

  @Provide
  Arbitrary<String> requestLines() {
    Arbitrary<String> methods = Arbitraries.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PRI",
        "get", "G\u00e9T", "X".repeat(300), "");
    Arbitrary<String> targets = Arbitraries.of("/v1/ping", "*", "/", "/v1/tasks", "/v1/%zz", "/v1/../x",
        "http://other/v1/ping", "//", "/v1/ping?%", "/v1/tasks/" + "x".repeat(20_000), "/v1/ping#frag",
        "/v1/\u00e9", "", "/v1/join-token", "/v1/machines/a/undrain");
    Arbitrary<String> versions = Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/1.x", "HTTP/2.0", "HTTP/9.9", "HTTP/1",
        "FOO/1.1", "http/1.1", "", "HTTP/1.1 x", "HTTP/01.1", "HTTP/1.1\u0000");
    Arbitrary<String> separators = Arbitraries.of(" ", " ", " ", "  ", "\t");
    return Combinators.combine(methods, targets, versions, separators).as((m, target, v, sep) ->
        m + sep + target + (v.isEmpty() ? "" : sep + v));
  }


  @Provide
  Arbitrary<Endpoint> endpoints() {
    return Arbitraries.of(Endpoint.class);
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1);
  }

  @Provide
  Arbitrary<String[]> wrongTypes() {
    return Arbitraries.of(FIELDS).flatMap(f -> Arbitraries.of(wrongValues(f)).map(v ->
        new String[] {f.endpoint().name(), f.path(), v}));
  }

  private static List<String> wrongValues(Field f) {
    List<String> all = List.of("\"text\"", "\"5\"", "\"true\"", "5", "1.5", "-3", "true", "false", "[]", "[1]",
        "[\"a\"]", "{}", "{\"k\":1}", "\"\"");
    List<String> wrong = all.stream().filter(v -> !fits(f.type(), v)).collect(Collectors.toList());
    if (f.required()) {
      wrong.add("null");
    }
    return wrong;
  }

  /** Whether a JSON literal is a valid value of the type (so it must not be used as a wrong one). */
  private static boolean fits(String type, String v) {
    return switch (type) {
      case "string" -> v.startsWith("\"");
      case "integer" -> v.matches("-?\\d+");
      case "number" -> v.matches("-?\\d+(\\.\\d+)?");
      case "boolean" -> v.equals("true") || v.equals("false");
      case "array" -> v.startsWith("[");
      case "object" -> v.startsWith("{");
      default -> false;
    };
  }

  @Provide
  Arbitrary<Object[]> invalidValues() {
    return Arbitraries.of(INVALID_VALUES);
  }

  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<String> first = Arbitraries.of("x", "1", "[", "\"", "}", "]", ",", ":", "n", "t", "\u00e9", "\u0000", "<",
        "-", "nul", "tru");
    Arbitrary<String> rest = Arbitraries.strings().withCharRange(' ', '~').withChars('\u00e9', '\u2603', '\t', '\n')
        .ofMaxLength(200);
    return Combinators.combine(first, rest).as((a, b) -> a + b);
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(33, 3000);
  }

  @Provide
  Arbitrary<String> openers() {
    return Arbitraries.of("[", "{\"a\":", "{\"machine\":", "{\"tasks\":[");
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.integers().between(MAX_BODY + 1, MAX_BODY * 3);
  }

  @Provide
  Arbitrary<String> mediaTypes() {
    return Arbitraries.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "none",
        "application/jsonx", "multipart/form-data; boundary=x");
  }

  @Provide
  Arbitrary<String> badTargets() {
    Arbitrary<String> fixed = Arbitraries.of("/v1/assignments?ack=abc", "/v1/assignments?ack=-1",
        "/v1/assignments?waitMillis=1.5", "/v1/assignments?ack=99999999999999999999", "/v1/tasks/bad%20id",
        "/v1/tasks/" + "x".repeat(129), "/v1/tasks/-x", "/v1/machines/bad%20id", "/v1/nothing", "/", "/v2/tasks",
        "/v1/tasks/at/nothing", "/v1/machines/a/b/c", "/v1/tasks/unknown-task", "/v1/machines/unknown",
        "/v1/tasks/unknown/explanation");
    Arbitrary<String> generated = Arbitraries.strings().withCharRange('a', 'z').withChars('.', '-', '_', '~', '/', '!')
        .ofMinLength(1).ofMaxLength(40).map(s -> "/v1/" + s);
    return Arbitraries.oneOf(fixed, generated);
  }

  // ------------------------------------------------------------------ JSON surgery

  private static String firstField(Endpoint e) {
    return FIELDS.stream().filter(f -> f.endpoint() == e).findFirst().orElseThrow().path();
  }

  /** The document with the value at a dotted path (array indexes as numbers) replaced by a JSON literal. */
  static String mutate(String json, String path, String literal) {
    JsonNode root = JSON.readTree(json);
    String[] parts = path.split("\\.");
    JsonNode parent = root;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = parts[i].matches("\\d+") ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
    }
    JsonNode value = JSON.readTree(literal);
    String last = parts[parts.length - 1];
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else {
      ((tools.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last), value);
    }
    return JSON.writeValueAsString(root);
  }
}
