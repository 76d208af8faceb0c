package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetBuilderTest {

  @Test
  void eachSettingMayBeGivenOnceAndTheMessageSaysWhich() {
    FleetBuilder b = Fleets.newBuilder().loadCeiling(0.7);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.loadCeiling(0.6));
    assertEquals("loadCeiling was already set to 0.7; each setting may be given once", e.getMessage());
  }

  @Test
  void badValuesNameThemselves() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Fleets.newBuilder().loadCeiling(-1))
        .getMessage().contains("-1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Fleets.newBuilder().heartbeatInterval(Duration.ZERO)).getMessage().contains("PT0S"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fleets.newBuilder()
        .suspectAfter(Duration.ofSeconds(20)).offlineAfter(Duration.ofSeconds(10)).build());
    assertEquals("offlineAfter PT10S must be longer than suspectAfter PT20S", e.getMessage());
  }

  @Test
  void aBuilderBuildsOnce() {
    FleetBuilder b = Fleets.newBuilder();
    try (Fleet f = b.build()) {
      assertThrows(IllegalStateException.class, b::build);
    }
  }

  @Test
  void aClosedFleetRefusesWork() {
    Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).build();
    f.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> f.registry().register(Machine.of("a", "a.local", "r", List.of("x"))));
    assertEquals("fleet is closed", e.getMessage());
  }

  @Test
  void theDefaultRulesPageIsPinned() throws Exception {
    // Changing a default must change this page on purpose: regenerate it with `fleet rules` and review it.
    String pinned;
    try (var in = FleetBuilderTest.class.getResourceAsStream("default-rules.txt")) {
      pinned = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).build()) {
      assertEquals(pinned, f.describeRules());
    }
  }

  @Test
  void theRulesPageFollowsTheConfiguration() {
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).loadCeiling(0.6).heartbeatInterval(Duration.ofSeconds(2))
        .build()) {
      String rules = f.describeRules();
      assertTrue(rules.contains("below 0.60 (urgent tasks: below 0.95)"), rules);
      assertTrue(rules.contains("heartbeat every 2s; a machine silent for 6s is suspect"), rules);
    }
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).maxPayloadBytes(64 * 1024 + 1)
        .maxPayloadBytesHeld(3L << 30).build()) {
      String rules = f.describeRules();
      assertTrue(rules.contains("payload may be at most 65537 bytes, and the payloads of unfinished tasks at most "
          + "3 GiB in all"), rules);
    }
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).maxPayloadBytes(64 * 1024).build()) {
      assertTrue(f.describeRules().contains("payload may be at most 64 KiB,"), f.describeRules());
    }
  }
}
