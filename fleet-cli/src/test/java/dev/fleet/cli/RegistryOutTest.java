package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet coordinator --registry-out FILE}: the file follows the live registry while machines join, heartbeat,
 * go offline and leave, is rewritten at most once a second, and a reader polling it during heavy churn never sees
 * part of a file.
 */
@Timeout(120)
class RegistryOutTest {
  @TempDir
  Path dir;

  /** The file's machine with this id, if the file exists, parses and has it. */
  private static Optional<RegistryEntry> entry(Path file, String id) {
    try {
      return RegistryJson.read(file).stream().filter(e -> e.id().value().equals(id)).findFirst();
    } catch (java.io.UncheckedIOException e) {
      return Optional.empty(); // not written yet
    }
  }

  @Test
  void theFileFollowsMachinesAsTheyJoinHeartbeatGoOfflineAndLeave() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Instant.now().isAfter(Instant.parse("2026-04-29T10:31:00Z")),
        "the seed's machine is offline only on a clock past its last heartbeat");
    Path out = dir.resolve("registry.json");
    Path seed = dir.resolve("seed.json");
    Files.writeString(seed, RegistryJson.write(RegistryJson.seed().subList(0, 1)));
    try (RegistryFleet f = new RegistryFleet(dir.resolve("state"), "--registry", seed.toString(),
        "--registry-out", out.toString(), "--heartbeat-interval", "200ms", "--offline-after", "1s",
        "--prune-offline-after", "0s")) {
      // Written before the coordinator says it listens: the loaded machine, silent since April, offline.
      RegistryEntry forge = entry(out, "m3-forge").orElseThrow();
      assertEquals("offline", forge.status().word());
      assertEquals(Optional.of(Instant.parse("2026-04-29T10:30:00Z")), forge.lastHeartbeat());

      String credential = f.join("m1", "code");
      RegistryFleet.await(Duration.ofSeconds(10), () -> entry(out, "m1").isPresent(), "m1 in the file");
      Instant joined = entry(out, "m1").orElseThrow().lastHeartbeat().orElseThrow(); // a join counts as heard

      // Heartbeats every 100 ms (the offline time is 1 s): online, with the load and time of the latest.
      AtomicBoolean beating = new AtomicBoolean(true);
      Thread agent = new Thread(() -> {
        try {
          for (int i = 0; beating.get(); i++) {
            f.heartbeat(credential, i, 0.25);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      agent.start();
      RegistryFleet.await(Duration.ofSeconds(10), () -> entry(out, "m1").map(e -> e.currentLoad() == 0.25
          && e.status().word().equals("online") && e.lastHeartbeat().orElseThrow().isAfter(joined)).orElse(false),
          "m1 online with its heartbeats in the file");
      beating.set(false);
      agent.join();

      // Silent: suspect, then offline after a second, and the file says so.
      RegistryFleet.await(Duration.ofSeconds(10), () -> entry(out, "m1").map(e -> e.status().word()
          .equals("offline")).orElse(false), "m1 offline in the file");
      // Nothing changes any more: the file is exactly what GET /v1/registry answers.
      RegistryFleet.await(Duration.ofSeconds(10), () -> {
        try {
          return Files.readString(out).equals(f.registry());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "the file to equal GET /v1/registry");

      assertEquals(200, f.send("DELETE", "/v1/machines/m1", f.clientToken, null).statusCode());
      RegistryFleet.await(Duration.ofSeconds(10), () -> entry(out, "m1").isEmpty()
          && entry(out, "m3-forge").isPresent(), "m1 gone from the file");
      Run stopped = f.stopped();
      assertEquals(0, stopped.code(), stopped.err());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("registry.json", "seed.json", "state"), files.map(p -> p.getFileName().toString())
          .sorted().toList(), "no temporary file left beside it");
    }
  }

  @Test
  void aReaderPollingTheFileDuringHeavyChurnAlwaysReadsAWholeRegistry() throws Exception {
    Path out = dir.resolve("registry.json");
    try (RegistryFleet f = new RegistryFleet(dir.resolve("state"), "--registry-out", out.toString(),
        "--heartbeat-interval", "200ms", "--offline-after", "1s", "--max-machines", "1000")) {
      AtomicBoolean churning = new AtomicBoolean(true);
      AtomicInteger reads = new AtomicInteger();
      Set<String> versions = new HashSet<>();
      List<String> broken = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        Future<?> reader = pool.submit(() -> {
          while (churning.get()) {
            String text;
            try {
              text = Files.readString(out);
            } catch (NoSuchFileException e) {
              continue;
            } catch (IOException e) {
              throw new AssertionError(e);
            }
            reads.incrementAndGet();
            try {
              RegistryJson.read(text);
              versions.add(text);
            } catch (RuntimeException e) {
              broken.add(e.getMessage() + " in " + text.length() + " chars");
            }
          }
          return null;
        });
        // Joins are rate-limited per address, so the churn is: 16 joined machines heartbeating with changing loads,
        // while batches of machines are imported and removed and joined ones are drained and undrained.
        List<String> credentials = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          credentials.add(f.join("m" + i, "code"));
        }
        List<Future<?>> churn = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        churn.add(pool.submit(() -> {
          for (long sequence = 0; System.nanoTime() < until; sequence++) {
            for (int i = 0; i < credentials.size(); i++) {
              f.heartbeat(credentials.get(i), sequence, ((sequence + i) % 10) / 10.0);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
          }
          return null;
        }));
        churn.add(pool.submit(() -> {
          for (int round = 0; System.nanoTime() < until; round++) {
            List<RegistryEntry> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
              batch.add(new RegistryEntry(dev.fleet.Machine.of("x" + round + "-" + i, "x.local", "worker",
                  List.of("code")), dev.fleet.Health.ONLINE, Optional.of(Instant.now()), 0.1 * (i % 5)));
            }
            assertEquals(200, f.send("POST", "/v1/registry", f.clientToken, RegistryJson.write(batch)).statusCode());
            String drained = "m" + (round % 16);
            assertEquals(200, f.send("POST", "/v1/machines/" + drained + "/drain", f.clientToken, "{}").statusCode());
            for (RegistryEntry e : batch) {
              assertEquals(200, f.send("DELETE", "/v1/machines/" + e.id(), f.clientToken, null).statusCode());
            }
            assertEquals(200, f.send("POST", "/v1/machines/" + drained + "/undrain", f.clientToken, null)
                .statusCode());
            java.util.concurrent.locks.LockSupport.parkNanos(80_000_000L);
          }
          return null;
        }));
        long started = System.nanoTime();
        for (Future<?> c : churn) {
          c.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // Let the reader see the last writes too.
        java.util.concurrent.locks.LockSupport.parkNanos(1_500_000_000L);
        churning.set(false);
        reader.get();

        assertTrue(broken.isEmpty(), "the reader saw part of a file " + broken.size() + " times in " + reads.get()
            + " reads, e.g. " + broken.subList(0, Math.min(3, broken.size())));
        assertTrue(reads.get() > 100, "the reader read " + reads.get() + " times");
        assertTrue(versions.size() >= 3, "the file changed during the churn: " + versions.size() + " versions");
        assertTrue(versions.size() <= seconds + 4, versions.size() + " versions in " + seconds
            + " s: more than one write a second");
      } finally {
        churning.set(false);
        pool.shutdownNow();
      }
    }
  }
}
