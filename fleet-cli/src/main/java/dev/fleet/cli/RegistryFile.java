package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Subscription;
import dev.fleet.json.RegistryJson;
import dev.fleet.spi.Ticker;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code fleet coordinator --registry-out FILE}: keeps FILE equal to the fleet's live registry, in the format of
 * {@code GET /v1/registry} ({@link RegistryJson#live}), so that other tools can simply read a file. It is rewritten
 * whole (a temporary file in the same directory, synced, renamed over it: a reader sees the old file or the new
 * one, never part of one) whenever its content changed, and at most once per {@link #MIN_GAP}: a machine that
 * joins, leaves or changes health is written at once if the last write is a second old (else a second after it),
 * and what heartbeats change (loads, {@code last_heartbeat}) is picked up by a check every second.
 *
 * <p>Thread-safe: its own thread does every write; fleet events only ask for one.
 */
final class RegistryFile implements AutoCloseable {
  static final Duration MIN_GAP = Duration.ofSeconds(1);
  private static final System.Logger LOG = System.getLogger(RegistryFile.class.getName());

  private final Fleet fleet;
  private final Path file;
  private final Ticker ticker;
  private final long gapNanos;
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fleet-registry-out");
    t.setDaemon(true);
    return t;
  });
  private Subscription subscription;
  /** What the file holds; only the writer thread (or close, after it stopped) touches these three. */
  private String written;
  private long writtenAtNanos;
  private boolean failing;
  /** Whether a write is booked; guarded by this. */
  private boolean booked;

  private RegistryFile(Fleet fleet, Path file, Ticker ticker, Duration gap) {
    this.fleet = fleet;
    this.file = file;
    this.ticker = ticker;
    this.gapNanos = gap.toNanos();
  }

  /**
   * Writes the file now and keeps it up to date until closed.
   *
   * @throws java.io.UncheckedIOException if the first write fails (e.g. the directory does not exist)
   */
  static RegistryFile start(Fleet fleet, Path file, Ticker ticker) {
    RegistryFile f = new RegistryFile(fleet, file, ticker, MIN_GAP);
    f.write(RegistryJson.live(fleet.registry().list()));
    f.writer.scheduleWithFixedDelay(f::check, f.gapNanos, f.gapNanos, TimeUnit.NANOSECONDS);
    f.subscription = fleet.subscribe(e -> {
      if (e instanceof FleetEvent.HealthChanged) {
        f.soon();
      }
    });
    return f;
  }

  /** Books a check as soon as the gap since the last write allows; one booked is enough. */
  private void soon() {
    synchronized (this) {
      if (booked) {
        return;
      }
      booked = true;
    }
    try {
      writer.execute(() -> {
        synchronized (this) {
          booked = false;
        }
        check();
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // Closing: close() writes the last state itself.
    }
  }

  /** Writes the live registry if it changed and the last write is at least the gap old, else books a later try. */
  private void check() {
    try {
      long since = ticker.read() - writtenAtNanos;
      if (since < gapNanos) {
        writer.schedule(this::check, gapNanos - since, TimeUnit.NANOSECONDS);
        return;
      }
      String json = RegistryJson.live(fleet.registry().list());
      if (!json.equals(written)) {
        write(json);
      }
      if (failing) {
        LOG.log(Level.INFO, "writing " + file + " works again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) { // once per run of failures, not every second
        LOG.log(Level.WARNING, "cannot write the registry to " + file + "; retrying every second: " + e.getMessage());
        failing = true;
      }
    }
  }

  private void write(String json) {
    RegistryJson.replace(file, json);
    written = json;
    writtenAtNanos = ticker.read();
  }

  /** Stops following the fleet and writes its state a last time, while the fleet is still open. */
  @Override
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
    writer.shutdownNow();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
      String json = RegistryJson.live(fleet.registry().list());
      if (!json.equals(written)) {
        write(json);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot write the registry to " + file + " a last time: " + e.getMessage());
    }
  }
}
