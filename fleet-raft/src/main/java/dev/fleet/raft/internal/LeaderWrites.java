package dev.fleet.raft.internal;

import dev.fleet.spi.JournalException;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.raft.Options;

/**
 * The leader's side of the journal: it buffers appended records and commits them through Raft in batches, one
 * Raft log entry per batch (group commit: a {@code sync} submits what is pending unless {@value #MAX_IN_FLIGHT}
 * batches are in flight; then it waits for the oldest, and the first sync to wake submits everything appended
 * meanwhile as one batch). Once the node stops being the leader of the term it opened in, the journal is fenced:
 * the waiting syncs and every later write throw.
 *
 * <p>Batches in flight together cannot leave a hole that a later one is acknowledged over: they reach Raft's
 * queue in position order (under the lock), jgroups-raft commits and completes them in log order on its single
 * thread, and a batch that fails there fails every other batch in flight before that thread commits anything
 * else ({@link #fail}, run inline by the failed future). A later batch that Raft still commits after an earlier
 * one was dropped (this node stepped down and was elected again) starts past the applied position, so every
 * node's {@link CommittedLog} refuses it alike and its sync fails.
 *
 * <p>Threading: {@link #append} takes a short lock and never blocks on I/O or the network; {@link #sync} and
 * {@link #snapshot} submit under that lock (so entries reach Raft in position order) and wait outside it;
 * {@link #fence} may be called from any thread, including jgroups-raft's, and takes no lock.
 */
public final class LeaderWrites {
  private static final Options NO_RESPONSE = Options.create(true);
  /**
   * Batches in flight at once. Two let the leader write and send the next batch while the previous one waits
   * for a follower's acknowledgement, so a sync does not wait for a whole batch it missed before its own starts;
   * more make smaller batches (jgroups-raft's single thread does the leader's fsync, so a third batch only delays
   * the acknowledgements of the first two), and cost more per record. Measured in ReplicatedJournalBenchmark.
   */
  static final int MAX_IN_FLIGHT = 2;

  private final String node;
  private final RAFT raft;
  private final CommittedLog log;
  private final Ticker ticker;
  private final Duration commitTimeout;

  private final Object lock = new Object();
  // Written under lock; read without it by fence(), which jgroups-raft calls while it holds its own state's
  // monitor (taking lock there could deadlock with a sync that holds lock and asks Raft for the term).
  private volatile boolean open;
  private volatile long epoch;
  // guarded by lock
  private long appended;
  private long pendingFirst;
  private List<byte[]> pending = new ArrayList<>();

  /** Batches submitted and not yet committed, by the position of their last record. */
  private final ConcurrentSkipListMap<Long, CompletableFuture<byte[]>> inFlight = new ConcurrentSkipListMap<>();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicReference<JournalException> failure = new AtomicReference<>();

  public LeaderWrites(String node, RAFT raft, CommittedLog log, Ticker ticker, Duration commitTimeout) {
    this.node = node;
    this.raft = raft;
    this.log = log;
    this.ticker = ticker;
    this.commitTimeout = commitTimeout;
  }

  /**
   * Claims the current term: commits a barrier entry in it (so every entry of earlier terms is committed and
   * applied), then replays the committed records. The caller checked that this node leads.
   *
   * @return the term, which is the journal's epoch
   */
  public long open(Consumer<byte[]> replay) {
    long term;
    CompletableFuture<byte[]> barrier;
    synchronized (lock) {
      if (open) {
        throw new IllegalStateException("the Raft journal of " + node + " was already opened, in term " + epoch);
      }
      term = raft.currentTerm();
      barrier = submit(Entries.barrier(term), "the barrier of term " + term);
    }
    await(barrier, "the barrier that opens term " + term);
    if (raft.currentTerm() != term || !raft.isLeader()) {
      throw fail(new JournalException(node + " lost the leadership of term " + term + " while opening the journal"
          + " (term now " + raft.currentTerm() + ")"));
    }
    long base = log.replay(replay);
    synchronized (lock) {
      epoch = term;
      appended = base;
      pendingFirst = base + 1;
      committed.set(base);
      open = true;
    }
    return term;
  }

  /**
   * Commits a barrier in the journal's term and returns once a majority has it: this node still leads. Throws, and
   * fences, if the term has moved on or no majority answers within the commit timeout.
   */
  public void confirmLeading() {
    long term;
    CompletableFuture<byte[]> barrier;
    synchronized (lock) {
      checkOpen();
      checkWritable();
      term = epoch;
      barrier = submit(Entries.barrier(term), "a barrier confirming the leadership of term " + term);
    }
    await(barrier, "the barrier confirming the leadership of term " + term);
    if (raft.currentTerm() != term || !raft.isLeader()) {
      throw fail(new JournalException(node + " no longer leads term " + term + " (term now " + raft.currentTerm()
          + ")"));
    }
  }

  public long epoch() {
    synchronized (lock) {
      checkOpen();
      return epoch;
    }
  }

  public long position() {
    synchronized (lock) {
      checkOpen();
      return appended;
    }
  }

  public long append(byte[] record) {
    synchronized (lock) {
      checkOpen();
      checkWritable();
      pending.add(record.clone());
      return ++appended;
    }
  }

  public void sync(long position) {
    while (position > committed.get()) {
      CompletableFuture<byte[]> batch;
      boolean covers;
      synchronized (lock) {
        checkOpen();
        checkWritable();
        long target = Math.min(position, appended);
        if (target <= committed.get()) {
          return;
        }
        var covering = inFlight.ceilingEntry(target);
        if (covering != null) {
          batch = covering.getValue();
          covers = true;
        } else if (target >= pendingFirst) {
          // inFlight shrinks on jgroups-raft's thread; read it once.
          var oldest = inFlight.firstEntry();
          if (oldest == null || inFlight.size() < MAX_IN_FLIGHT) {
            batch = submitPending();
            covers = true;
          } else {
            // Group commit: at most MAX_IN_FLIGHT batches in flight. Records appended meanwhile wait for the
            // oldest to commit, then go out together in the next batch, submitted by the first sync to wake.
            batch = oldest.getValue();
            covers = false;
          }
        } else { // its batch completed while we took the lock: committed, or the journal failed
          if (committed.get() >= target) {
            return;
          }
          checkWritable();
          throw new IllegalStateException(node + ": position " + target + " is neither pending, in flight nor "
              + "committed");
        }
      }
      await(batch, covers ? "position " + position : "the batch before position " + position);
      if (covers) {
        return;
      }
    }
  }

  /** Commits a snapshot entry: on every node, the records up to {@code position} are replaced by {@code state}. */
  public void snapshot(long position, Iterable<byte[]> state) {
    synchronized (lock) {
      checkOpen();
      checkWritable();
      if (position < 0 || position > appended) {
        throw new IllegalArgumentException("cannot snapshot at position " + position + ": the last appended is "
            + appended);
      }
    }
    sync(position);
    CompletableFuture<byte[]> entry;
    synchronized (lock) {
      checkWritable();
      entry = submit(Entries.snapshot(position, state), "the snapshot at position " + position);
    }
    await(entry, "the snapshot at position " + position);
  }

  /** This node no longer leads the term it opened in: nothing more is committed through this journal. */
  public void fence(String why) {
    if (open) {
      fail(new JournalException(node + " was fenced out of term " + epoch + ": " + why
          + "; a new leader holds the journal, nothing more is committed through this one"));
    }
  }

  public JournalException failure() {
    return failure.get();
  }

  /** Commits what was appended if this node still can, then refuses everything. */
  public void close() {
    boolean wasOpen;
    long last;
    synchronized (lock) {
      wasOpen = open;
      last = appended;
    }
    if (wasOpen && failure.get() == null) {
      try {
        sync(last);
      } catch (JournalException e) {
        // Closing a fenced or cut-off leader: what it could not commit was never acknowledged.
      }
    }
    fail(new JournalException("the Raft journal of " + node + " is closed"));
  }

  private CompletableFuture<byte[]> submitPending() {
    long first = pendingFirst;
    long end = first + pending.size() - 1;
    byte[] entry = Entries.records(first, pending);
    CompletableFuture<byte[]> inRaft = submit(entry, "records " + first + ".." + end);
    // Waiters wait on this one, completed only once committed is up to date and the records were applied.
    CompletableFuture<byte[]> batch = new CompletableFuture<>();
    inFlight.put(end, batch);
    inRaft.whenComplete((r, t) -> {
      // jgroups-raft completes an entry's future right after applying it here, on the same thread.
      if (t == null && log.position() >= end) {
        committed.accumulateAndGet(end, Math::max);
        inFlight.remove(end);
        batch.complete(r);
        return;
      }
      String why = t != null ? t.getMessage() : "committed but skipped, as it did not follow the records applied "
          + "before it (ending at " + log.position() + ")";
      // A later batch must not be acknowledged over this one's hole: the journal stops here.
      JournalException e = fail(new JournalException(node + ": records " + first + ".." + end
          + " were not committed: " + why + "; the journal accepts no more writes", t));
      inFlight.remove(end);
      batch.completeExceptionally(e);
    });
    pending = new ArrayList<>();
    pendingFirst = end + 1;
    return batch;
  }

  private CompletableFuture<byte[]> submit(byte[] entry, String what) {
    if (open && (raft.currentTerm() != epoch || !raft.isLeader())) {
      throw fail(new JournalException(node + " is no longer the leader of term " + epoch + " (term now "
          + raft.currentTerm() + "); " + what + " not committed"));
    }
    CompletableFuture<byte[]> f;
    try {
      f = raft.setAsync(entry, 0, entry.length, NO_RESPONSE);
    } catch (RuntimeException e) {
      throw fail(new JournalException(node + " could not submit " + what + " to Raft: " + e.getMessage(), e));
    }
    if (f.isCompletedExceptionally()) {
      // Refused at once (jgroups-raft's queue is full, or this node just stepped down). Failing now, under the
      // lock, keeps any later batch from reaching the log after this one's hole.
      Throwable why = f.handle((r, t) -> t).join();
      throw fail(new JournalException(node + " could not submit " + what + " to Raft: " + why.getMessage()
          + "; the journal accepts no more writes", why));
    }
    return f;
  }

  private void await(CompletableFuture<byte[]> f, String what) {
    long deadline = ticker.read() + commitTimeout.toNanos();
    try {
      f.get(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw fail(new JournalException(node + ": " + what + " was not committed by a majority within "
          + commitTimeout + "; the journal accepts no more writes"));
    } catch (ExecutionException e) {
      JournalException existing = failure.get();
      throw existing != null ? existing : fail(new JournalException(node + ": " + what + " was not committed: "
          + e.getCause().getMessage() + "; the journal accepts no more writes", e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException(node + ": interrupted while waiting for " + what + " to commit", e);
    }
  }

  private JournalException fail(JournalException e) {
    failure.compareAndSet(null, e);
    JournalException first = failure.get();
    for (Map.Entry<Long, CompletableFuture<byte[]>> batch : inFlight.entrySet()) {
      batch.getValue().completeExceptionally(first);
    }
    return first;
  }

  private void checkWritable() {
    JournalException f = failure.get();
    if (f != null) {
      throw f;
    }
  }

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException("the Raft journal of " + node + " is not open; call open() on the leader");
    }
  }
}
