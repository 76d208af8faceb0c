package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each kind of malformed registry fails with a message naming the place, the field and the problem. */
class FormatErrorTest {
  /** The seed with one exact piece of text replaced. */
  private static String seedWith(String from, String to) {
    String seed = Seed.text();
    assertTrue(seed.contains(from), "seed lacks " + from);
    return seed.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
  }

  private static RegistryFormatException fails(String json) {
    return assertThrows(RegistryFormatException.class, () -> RegistryJson.read(json));
  }

  private static void failsWith(String json, String message) {
    assertEquals(message, fails(json).getMessage());
  }

  private static void failsStartingWith(String json, String start) {
    String message = fails(json).getMessage();
    assertTrue(message.startsWith(start), message);
  }

  @Test
  void wrongTypeNamesFieldAndValue() {
    failsWith(seedWith("\"current_load\": 0.20", "\"current_load\": \"high\""),
        "machines[1].current_load: must be a number >= 0, got \"high\"");
    failsWith(seedWith("\"current_load\": 0.05", "\"current_load\": -1"),
        "machines[2].current_load: must be a number >= 0, got -1");
    failsWith(seedWith("\"current_load\": 0.05", "\"current_load\": 1e400"),
        "machines[2].current_load: must be a number >= 0, got a number too large to use");
    failsWith(seedWith("\"hostname\": \"m3-forge.local\"", "\"hostname\": 7"),
        "machines[0].hostname: must be a string, got 7");
    failsWith(seedWith("[\"monitoring\", \"cron\", \"alerts\"]", "\"cron\""),
        "machines[2].capabilities: must be an array, got \"cron\"");
    failsWith(seedWith("[\"monitoring\", \"cron\", \"alerts\"]", "[\"monitoring\", 3]"),
        "machines[2].capabilities[1]: must be a string, got 3");
    failsWith(seedWith("\"gpu\": true", "\"gpu\": \"yes\""),
        "machines[0].specs.gpu: must be true or false, got \"yes\"");
    failsWith(seedWith("\"gpu\": true}", "\"gpu\": true, \"cores\": 2.5}"),
        "machines[0].specs.cores: must be a whole number >= 1, got 2.5");
    failsWith(seedWith("\"gpu\": true}", "\"gpu\": true, \"disk\": {\"size\": 1}}"),
        "machines[0].specs.disk: must be a string, number or boolean, got {\"size\":1}");
    failsWith(seedWith("\"status\": \"online\",", "\"status\": \"online\", \"labels\": {\"a b\": []},"),
        "machines[0].labels[\"a b\"]: must be a string, number or boolean, got []");
  }

  @Test
  void missingRequiredField() {
    failsWith(seedWith("\"hostname\": \"m3-forge.local\",\n", ""), "machines[0]: missing required field \"hostname\"");
    failsWith(seedWith("\"status\": \"online\",\n\"last_heartbeat\": \"2026-04-29T10:29:55Z\"",
        "\"last_heartbeat\": \"2026-04-29T10:29:55Z\""), "machines[1]: missing required field \"status\"");
    failsWith("{}", "top level: missing required field \"machines\"");
  }

  @Test
  void optionalFieldsMayBeLeftOutOrNull() {
    String json = seedWith("\"last_heartbeat\": \"2026-04-29T10:30:00Z\",\n\"current_load\": 0.45",
        "\"last_heartbeat\": null");
    RegistryEntry first = RegistryJson.read(json).get(0);
    assertEquals(java.util.Optional.empty(), first.lastHeartbeat());
    assertEquals(0.0, first.currentLoad());
  }

  @Test
  void duplicateMachineId() {
    failsStartingWith(seedWith("\"id\": \"gcp-watcher\"", "\"id\": \"m3-forge\""),
        "machines[2].id: duplicate machine id 'm3-forge'");
  }

  @Test
  void duplicateCapability() {
    failsWith(seedWith("[\"monitoring\", \"cron\", \"alerts\"]", "[\"cron\", \"alerts\", \"cron\"]"),
        "machines[2].capabilities[2]: duplicate capability 'cron'");
  }

  @Test
  void unknownFieldsAreNamed() {
    failsStartingWith(seedWith("\"status\": \"online\",", "\"stauts\": \"online\", \"status\": \"online\","),
        "machines[0]: unknown field \"stauts\"; expected only id, hostname, role");
    failsStartingWith("{\"machines\": [], \"version\": 2}", "top level: unknown field \"version\"");
  }

  @Test
  void statusMustBeALowerCaseHealthWordOtherThanLeft() {
    failsWith(seedWith("\"status\": \"online\"", "\"status\": \"ONLINE\""),
        "machines[0].status: must be one of online, suspect, offline, asleep, draining, got \"ONLINE\"");
    failsStartingWith(seedWith("\"status\": \"online\"", "\"status\": \"left\""),
        "machines[0].status: \"left\" is not allowed");
  }

  @Test
  void heartbeatMustBeAnInstant() {
    failsStartingWith(seedWith("\"2026-04-29T10:30:01Z\"", "\"yesterday\""),
        "machines[2].last_heartbeat: must be an ISO-8601 instant");
  }

  @Test
  void apiValidationErrorsGetTheLocationInFront() {
    failsStartingWith(seedWith("\"id\": \"m4-mirror\"", "\"id\": \"m4 mirror\""),
        "machines[1].id: machine id 'm4 mirror' must be");
    failsStartingWith(seedWith("\"role\": \"cron\"", "\"role\": \"\""), "machines[2].role: role of gcp-watcher '' must be");
    failsStartingWith(seedWith("\"hostname\": \"34.11.241.254\"", "\"hostname\": \"  \""),
        "machines[2].hostname: hostname of gcp-watcher must not be blank");
    failsStartingWith(seedWith("\"planning\"", "\"plan ning\""),
        "machines[0].capabilities: capability of m3-forge 'plan ning' must be");
    failsStartingWith(seedWith("\"ram\": \"2GB\"", "\"ram\": \"plenty\""),
        "machines[2].specs: ram 'plenty' is not a size");
    failsWith(seedWith("\"gpu\": false}", "\"gpu\": false, \"cores\": 0}"),
        "machines[2].specs.cores: must be a whole number >= 1, got 0");
  }

  @Test
  void wrongShapeOfTheDocument() {
    failsWith("[1, 2]", "top level: must be an object with a \"machines\" array, got [1,2]");
    failsWith("{\"machines\": {}}", "machines: must be an array, got {}");
    failsWith("{\"machines\": [42]}", "machines[0]: must be an object, got 42");
  }

  @Test
  void invalidJsonNamesLineAndColumn() {
    RegistryFormatException e = fails("{\n\"machines\": [\n{\"id\" \"x\"}\n]}");
    assertTrue(e.getMessage().startsWith("line 3, column 7: not valid JSON: "), e.getMessage());
    assertEquals("line 3, column 7", e.location());
    failsStartingWith("", "line 1, column 1: not valid JSON: the input is empty");
    failsWith("{\"machines\": []} {}",
        "line 1, column 18: not valid JSON: unexpected content after the registry's closing '}'");
    failsStartingWith(Seed.text().substring(0, 100), "line 7, column 16: not valid JSON: Unexpected end-of-input");
  }

  @Test
  void duplicateKeyInOneObjectIsInvalid() {
    String message = fails(seedWith("\"role\": \"primary\",", "\"role\": \"primary\", \"role\": \"cron\",")).getMessage();
    assertTrue(message.startsWith("line 6, column ") && message.contains("not valid JSON") && message.contains("\"role\""),
        message);
  }
}
