package dev.fleet.core.internal;

import dev.fleet.core.internal.facts.Fact;
import dev.fleet.core.internal.facts.Recovered;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Scheduler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The fleet's memory: the only writer of what was appended to the journal and what is durable, of whether the
 * fleet still takes changes (fail-stop), and of when the journal is snapshotted. Operations append under the
 * fleet's lock (through {@link JournalingChanges}) and wait for {@link #durable} after releasing it, so many
 * callers share one disk sync.
 *
 * <p>Guarded by the fleet's lock, except what must run outside it: {@link #durable} and the snapshot's writing
 * (which read only volatile fields and the thread-safe journal) and {@link #checkTakingChanges}.
 */
final class Durability {
  private static final System.Logger LOG = System.getLogger(Durability.class.getName());

  private final Journal journal;
  private final JournalingChanges journaling;
  private final List<DurablePart> parts;
  private final long snapshotEvery;
  private final EventBus events;
  private final Scheduler scheduler;
  private final ReentrantLock lock;
  /** The highest position known to be durable. */
  private volatile long synced;
  /** Set once a journal write failed: the fleet takes no more changes. */
  private volatile JournalException stopped;
  private volatile long lastSnapshotPosition;
  /** Guarded by the lock. */
  private boolean snapshotting;
  private volatile boolean closed;
  private final dev.fleet.spi.Ticker ticker;
  /** Where the journal stood when it was opened: appends since are {@code position() - openedAt}. */
  private volatile long openedAt;
  /** Journal syncs this fleet waited for, and the nanoseconds it waited in all; written outside the lock. */
  private final java.util.concurrent.atomic.LongAdder syncs = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder syncNanos = new java.util.concurrent.atomic.LongAdder();
  /** Told each sync's wait, on the thread that waited (metrics' timers). */
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.LongConsumer> syncWatchers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  Durability(Journal journal, List<DurablePart> parts, long snapshotEvery, TimeBridge time, FleetConfig config,
      EventBus events, ReentrantLock lock) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.parts = List.copyOf(parts);
    this.snapshotEvery = snapshotEvery;
    this.events = events;
    this.scheduler = config.clocks().scheduler();
    this.lock = lock;
    this.ticker = config.clocks().ticker();
    this.journaling = new JournalingChanges(journal, time, config.clocks().wallClock(), events);
  }

  /** Where the engine's durable changes go. */
  Changes changes() {
    return journaling;
  }

  List<DurablePart> parts() {
    return parts;
  }

  /** Throws if the fleet stopped taking changes because its journal failed. */
  void checkTakingChanges() {
    JournalException failure = stopped;
    if (failure != null) {
      throw new JournalException("the fleet takes no more changes since its journal failed: "
          + failure.getMessage(), failure);
    }
  }

  /**
   * Opens the journal and replays it: each durable part is attached and gets its own records; the rest is
   * rebuilt into what the returned {@link Recovered} holds. Called once, before the fleet serves anything.
   */
  Recovered replay(int finishedRetention, Consumer<DurablePart> attach) {
    Map<String, DurablePart> byName = new HashMap<>();
    for (DurablePart p : parts) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException("two durable parts are named '" + p.name() + "'");
      }
      attach.accept(p);
    }
    Recovered recovered = new Recovered(finishedRetention, part -> {
      DurablePart p = byName.get(part.name());
      if (p == null) {
        throw new IllegalStateException("the journal holds records of durable part '" + part.name()
            + "', which this fleet was not built with (it has " + byName.keySet() + "); add it to the builder");
      }
      p.replay(part.record());
    });
    journal.open(recovered::apply);
    long position = journal.position();
    journaling.lastPosition = position;
    openedAt = position;
    synced = position;
    events.durable(position);
    return recovered;
  }

  /** Appends a durable part's record; called under the fleet's lock. */
  void appendPart(String name, byte[] record) {
    journaling.put(new Fact.Part(name, Objects.requireNonNull(record, "record").clone()));
  }

  /** Whether the journal refused an append: the fleet holds a change its journal does not. */
  boolean appendFailed() {
    return journaling.failed != null;
  }

  /** The position the current operation must be durable up to; read under the fleet's lock. */
  long position() {
    return journaling.lastPosition;
  }

  /**
   * Returns once the journal holds everything up to {@code position}, then lets what was posted meanwhile be
   * delivered; called after the fleet's lock is released. If the journal failed, the fleet stops taking
   * changes, what was posted is dropped, and the caller gets the failure: its change is not acknowledged.
   */
  void durable(long position) {
    // An append that failed left the position where it was: that must not read as "already durable".
    JournalException failed = journaling.failed;
    if (failed == null && position <= synced) {
      return;
    }
    try {
      if (failed != null) {
        throw failed;
      }
      long start = ticker.read();
      journal.sync(position);
      waited(ticker.read() - start);
    } catch (JournalException e) {
      if (stopped == null) {
        stopped = e;
        LOG.log(Level.ERROR, "journal failed; the fleet takes no more changes", e);
      }
      events.discard();
      throw e;
    }
    if (position > synced) {
      synced = position;
    }
    events.durable(position);
    if (snapshotEvery > 0 && position - lastSnapshotPosition >= snapshotEvery) {
      askForSnapshot(position);
    }
  }

  private void waited(long nanos) {
    syncs.increment();
    syncNanos.add(nanos);
    for (java.util.function.LongConsumer w : syncWatchers) {
      try {
        w.accept(nanos);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a journal sync watcher failed", e);
      }
    }
  }

  /** Records appended since the journal was opened (replayed ones not counted); read under the lock. */
  long appendsSinceOpen() {
    return journaling.lastPosition - openedAt;
  }

  /** Journal syncs this fleet waited for. */
  long syncs() {
    return syncs.sum();
  }

  /** The nanoseconds waited for journal syncs in all. */
  long syncNanos() {
    return syncNanos.sum();
  }

  /** Why the fleet stopped taking changes, or null while it takes them. */
  JournalException stopped() {
    return stopped;
  }

  /** Tells {@code watcher} the wait of every journal sync from now on; closing the result stops it. */
  dev.fleet.Subscription watchSyncs(java.util.function.LongConsumer watcher) {
    syncWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
    // Guarded: a second close must not remove another registration of the same watcher.
    return () -> {
      if (open.getAndSet(false)) {
        syncWatchers.remove(watcher);
      }
    };
  }

  /** Per thread: how deep in {@link #batch} it is, and the journal position the batch must wait for. */
  private static final ThreadLocal<long[]> BATCH = ThreadLocal.withInitial(() -> new long[2]);

  /** As {@link #durable}, unless the calling thread is inside {@link #batch}: then the batch waits, at its end. */
  void durableOrLater(long position) {
    long[] batch = BATCH.get();
    if (batch[0] > 0) {
      batch[1] = Math.max(batch[1], position);
    } else {
      durable(position);
    }
  }

  /** Runs {@code work}, whose operations wait for the journal once, when it ends; called outside the lock. */
  <T> T batch(Supplier<T> work) {
    long[] batch = BATCH.get();
    batch[0]++;
    T result;
    try {
      result = work.get();
    } finally {
      if (--batch[0] == 0) {
        long position = batch[1];
        batch[1] = 0;
        durable(position);
      }
    }
    return result;
  }

  private void askForSnapshot(long position) {
    lock.lock();
    try {
      if (snapshotting || closed || position - lastSnapshotPosition < snapshotEvery) {
        return;
      }
      snapshotting = true;
    } finally {
      lock.unlock();
    }
    scheduler.schedule(this::snapshotNow, Duration.ZERO);
  }

  /** The image is taken under the lock, and written after it is released, so the fleet keeps serving. */
  private Supplier<List<byte[]>> image;

  /** What a snapshot holds: the records that recreate the fleet's state; called under the fleet's lock. */
  void imageFrom(Supplier<List<byte[]>> image) {
    this.image = image;
  }

  private void snapshotNow() {
    List<byte[]> records;
    long position;
    lock.lock();
    try {
      if (closed || stopped != null) {
        snapshotting = false;
        return;
      }
      records = image.get();
      position = journaling.lastPosition;
    } finally {
      lock.unlock();
    }
    try {
      journal.sync(position);
      journal.snapshot(position, records);
      LOG.log(Level.DEBUG, () -> "snapshot at journal position " + position + ": " + records.size() + " records");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "journal snapshot at position " + position + " failed; the journal keeps growing", e);
    } finally {
      lock.lock();
      try {
        lastSnapshotPosition = Math.max(lastSnapshotPosition, position);
        snapshotting = false;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Closes the journal; what was appended and not synced may be lost, as it was never acknowledged. */
  void close() {
    closed = true;
    try {
      journal.close();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the journal failed", e);
    }
  }
}
