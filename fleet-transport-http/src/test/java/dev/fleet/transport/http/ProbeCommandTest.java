package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.testing.FakeTicker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running a probe's command with a time limit, and keeping its answer fresh without blocking a heartbeat. */
class ProbeCommandTest {
  @TempDir
  Path dir;

  @Test
  void aCommandsOutputComesBackInTheCLocale() throws Exception {
    assertEquals("C hi\n", ProbeCommand.run(List.of("sh", "-c", "echo \"$LC_ALL hi\""), Duration.ofSeconds(10)));
  }

  @Test
  void aFailingCommandIsNamedWithItsStatusAndFirstLine() {
    IOException e = assertThrows(IOException.class,
        () -> ProbeCommand.run(List.of("sh", "-c", "echo 'no such seat' >&2; exit 3"), Duration.ofSeconds(10)));
    assertEquals("sh -c echo 'no such seat' >&2; exit 3 exited with status 3: no such seat", e.getMessage());
    e = assertThrows(IOException.class, () -> ProbeCommand.run(List.of(dir.resolve("pmset").toString(), "-g"),
        Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("pmset"), e.getMessage());
  }

  @Test
  void aHungCommandIsStoppedAtItsLimit() throws Exception {
    Path pidFile = dir.resolve("pid");
    long start = System.nanoTime();
    IOException e = assertThrows(IOException.class, () -> ProbeCommand.run(
        List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 30"), Duration.ofMillis(300)));
    assertTrue(e.getMessage().endsWith("did not finish within 300 ms and was stopped"), e.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "it returned at its limit");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Await.until(Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true),
        () -> "process " + pid + " still runs");
  }

  @Test
  void findLooksForExecutablesOnThePathInOrder() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    ProbeFixtures.write(a, "pmset", "not executable");
    Path script = ProbeFixtures.script(b, "pmset", "true");
    assertEquals(Optional.of(script), ProbeCommand.find("pmset", List.of(a, b)));
    assertEquals(Optional.empty(), ProbeCommand.find("ioreg", List.of(a, b)));
  }

  @Test
  void aSlowCommandNeverBlocksTheReaderWhichGetsItsAnswerOnceItIsThere() throws Exception {
    Path gate = dir.resolve("gate");
    BackgroundReading<String> r = new BackgroundReading<>("slow", () -> ProbeCommand.run(
        List.of("sh", "-c", "while [ ! -e " + gate + " ]; do sleep 0.05; done; echo done"), Duration.ofSeconds(20)),
        Duration.ofSeconds(2), Duration.ofSeconds(10), new FakeTicker());
    long start = System.nanoTime();
    assertEquals(Optional.empty(), r.latest());
    assertEquals(Optional.empty(), r.latest());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "latest() waited for the command");
    Files.writeString(gate, "");
    Await.until(Duration.ofSeconds(10), () -> r.latest().isPresent(), () -> "no answer");
    assertEquals(Optional.of("done\n"), r.latest());
  }

  @Test
  void anAnswerIsReusedUntilOldThenRefreshedAndDroppedWhenTooOld() {
    FakeTicker ticker = new FakeTicker();
    AtomicInteger runs = new AtomicInteger();
    BackgroundReading<Integer> r = new BackgroundReading<>("counter", runs::incrementAndGet, Duration.ofSeconds(5),
        Duration.ofSeconds(30), ticker);
    assertEquals(Optional.of(1), r.awaitFirst(Duration.ofSeconds(10)));
    ticker.advance(Duration.ofSeconds(4));
    assertEquals(Optional.of(1), r.latest());
    assertEquals(1, runs.get(), "fresh enough: not run again");
    ticker.advance(Duration.ofSeconds(2));
    assertEquals(Optional.of(1), r.latest(), "stale: the old answer while a new one is found");
    Await.until(Duration.ofSeconds(10), () -> r.latest().equals(Optional.of(2)), () -> "not refreshed");
  }

  @Test
  void aFailureIsReportedOnceNoRecentAnswerIsLeftAndRetriedLater() {
    FakeTicker ticker = new FakeTicker();
    AtomicInteger runs = new AtomicInteger();
    BackgroundReading<String> r = new BackgroundReading<>("pmset -g batt", () -> {
      if (runs.incrementAndGet() == 1) {
        throw new IOException("pmset: not found");
      }
      return "ok";
    }, Duration.ofSeconds(5), Duration.ofSeconds(30), ticker);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.awaitFirst(Duration.ofSeconds(10)));
    assertEquals("pmset -g batt failed: pmset: not found", e.getMessage());
    assertThrows(IllegalStateException.class, r::latest);
    assertEquals(1, runs.get(), "a failure is not retried at once");
    ticker.advance(Duration.ofSeconds(5));
    Await.until(Duration.ofSeconds(10), () -> {
      try {
        return r.latest().isPresent();
      } catch (IllegalStateException stillFailing) {
        return false;
      }
    }, () -> "not retried");
  }
}
