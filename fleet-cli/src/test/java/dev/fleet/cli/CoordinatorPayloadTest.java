package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleet coordinator --max-payload-bytes / --max-payload-bytes-held}: sizes as people write them, refused
 * clearly when out of range, and a running coordinator holding submissions to them (options or environment).
 */
class CoordinatorPayloadTest {
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    Running.stopAll();
  }

  @Test
  void sizesAreReadWithBinaryUnitsAndBadOnesAreNamed() {
    ByteSizeConverter c = new ByteSizeConverter();
    assertEquals(65_536L, c.convert("65536"));
    assertEquals(65_536L, c.convert("64KiB"));
    assertEquals(1L << 20, c.convert("1mib"));
    assertEquals(3L << 30, c.convert("3GiB"));
    CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
        () -> c.convert("lots"));
    assertEquals("'lots' is not a size such as 65536, 64KiB, 1MiB or 1GiB", e.getMessage());
    assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-1"));
    assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("1MB"));
  }

  @Test
  void theBodyLimitLetsTheLargestPayloadThroughBase64Encoded() {
    PayloadLimits defaults = PayloadLimits.of(null, null);
    assertEquals(1 << 20, defaults.perTask());
    assertEquals(256L << 20, defaults.held());
    assertEquals((1_048_576 + 2) / 3 * 4 + 65_536, defaults.bodyBytes());
    assertEquals(1 << 20, PayloadLimits.of(1024L, null).bodyBytes(), "never under the server's own 1 MiB");
    assertEquals((16 << 20) / 3 * 4 + 4 + 65_536, PayloadLimits.of(16L << 20, null).bodyBytes());
  }

  @Test
  void aPayloadLimitOverSixteenMebibytesIsRefusedBeforeAnythingIsWritten() {
    Path state = dir.resolve("state");
    Run r = Run.of("coordinator", "--state-dir", state.toString(), "--max-payload-bytes", "17MiB");
    assertEquals(1, r.code(), r.err());
    assertEquals("fleet coordinator: --max-payload-bytes must be at most 16777216 (16MiB), got 17825792",
        r.err().strip());
    assertFalse(Files.exists(state));
    Run bad = Run.of("coordinator", "--state-dir", state.toString(), "--max-payload-bytes-held", "much");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("'much' is not a size such as 65536, 64KiB, 1MiB or 1GiB"), bad.err());
  }

  @Test
  void aRunningCoordinatorRefusesPayloadsOverItsLimitsAndTakesThemAgainOnceWorkEnds() throws Exception {
    String state = dir.resolve("state").toString();
    // The budget comes from the environment, as any option can: FLEET_COORDINATOR_MAX_PAYLOAD_BYTES_HELD.
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> Run.of(
        Map.of("FLEET_COORDINATOR_MAX_PAYLOAD_BYTES_HELD", "2KiB"), dir, "coordinator", "--port", "0",
        "--in-memory", "--state-dir", state, "--max-payload-bytes", "1KiB", "--stop-after", "2m"));
    Path url = dir.resolve("state").resolve(StateDir.URL);
    for (int i = 0; i < 300 && !Files.exists(url); i++) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(url), "the coordinator started: " + (coordinator.isDone() ? coordinator.get() : ""));
    String kib = "x".repeat(1024);
    assertEquals(0, Run.of("submit", "--state-dir", state, "a", "--requires", "gpu", "--payload", kib).code());
    assertEquals(0, Run.of("submit", "--state-dir", state, "b", "--requires", "gpu", "--payload", kib).code());
    Run full = Run.of("submit", "--state-dir", state, "c", "--requires", "gpu", "--payload", "x");
    assertEquals(1, full.code(), full.out());
    assertTrue(full.err().contains("from 2048 to 2049, over the budget of 2048 bytes"), full.err());
    Run big = Run.of("submit", "--state-dir", state, "d", "--payload", kib + "x");
    assertEquals(1, big.code(), big.out());
    assertTrue(big.err().contains("is 1025 bytes; one task's payload may be at most 1024 bytes"), big.err());
    assertEquals(0, Run.of("cancel", "--state-dir", state, "a").code());
    assertEquals(0, Run.of("submit", "--state-dir", state, "c", "--requires", "gpu", "--payload", "x").code());
    Running.stopAll();
    assertEquals(0, coordinator.get(30, TimeUnit.SECONDS).code());
  }
}
