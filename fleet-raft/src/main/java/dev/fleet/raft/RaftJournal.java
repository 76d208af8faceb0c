package dev.fleet.raft;

import dev.fleet.raft.internal.CommittedLog;
import dev.fleet.raft.internal.LeaderWrites;
import dev.fleet.raft.internal.Stacks;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Ticker;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.RaftHandle;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Util;

/**
 * A {@link Journal} replicated among a fixed group of coordinators (3 or 5) through Raft, on jgroups-raft: one
 * node of the group. Every node, once {@link #start started}, follows the committed records ({@link #subscribe})
 * and knows the {@link #leader}; the leader's fleet opens it as its journal, and then {@link #sync} returns once
 * a majority has the records on disk. The epoch is the Raft term: a leader that loses its term (deposed, cut off
 * from the majority, paused past the failure timeout) is fenced, and its syncs and appends throw.
 *
 * <p>A sync that throws because the leader was deposed does not prove the records are lost: a new leader may
 * still commit them (Raft's usual ambiguity for a write in flight). They were never acknowledged, and a new
 * leader's {@link #open} replays them if it did commit them.
 *
 * <p>Threading: as {@link Journal} says for the journal methods (thread-safe; {@link #append} never blocks on the
 * network, {@link #sync} shares one Raft entry among concurrent callers). {@link #start}, {@link #open} and
 * {@link #close} block. Listeners are called on jgroups-raft's threads and must return quickly.
 */
public final class RaftJournal implements Journal {
  private static final System.Logger LOG = System.getLogger(RaftJournal.class.getName());

  private final String self;
  private final Map<String, InetSocketAddress> members;
  private final Path logDir;
  private final Duration openTimeout;
  private final Ticker ticker;
  private final JChannel channel;
  private final RaftHandle raft;
  private final CommittedLog committed;
  private final LeaderWrites writes;
  private final List<Consumer<RaftRole>> roleListeners = new CopyOnWriteArrayList<>();

  private boolean started; // guarded by this
  private volatile boolean closed;

  private RaftJournal(String self, Map<String, InetSocketAddress> members, Path logDir, Duration failureTimeout,
      Duration commitTimeout, Duration openTimeout, boolean fsync, Ticker ticker) throws Exception {
    this.self = self;
    this.members = Map.copyOf(members);
    this.logDir = logDir;
    this.openTimeout = openTimeout;
    this.ticker = ticker;
    channel = Stacks.channel(self, new LinkedHashMap<>(members), logDir, fsync, failureTimeout);
    RAFT protocol = channel.getProtocolStack().findProtocol(RAFT.class);
    committed = new CommittedLog(self, () -> protocol.snapshotAsync());
    raft = new RaftHandle(channel, committed);
    writes = new LeaderWrites(self, protocol, committed, ticker, commitTimeout);
    raft.addRoleListener(this::roleChanged);
  }

  /**
   * Starts configuring node {@code self} of a group.
   *
   * @param self this node's name in the group: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter
   *     or digit; it must also be added with {@link Builder#member}
   * @param logDir the directory of this node's Raft log, created if absent; one directory per node
   * @return a builder with no members and the default timing
   * @throws NullPointerException if {@code self} or {@code logDir} is null
   * @throws IllegalArgumentException if {@code self} is not a valid node name
   */
  public static Builder newBuilder(String self, Path logDir) {
    return new Builder(self, logDir);
  }

  /**
   * Joins the group: replays this node's own log (so a restarted node has its committed records at once), then
   * follows the leader. Idempotent.
   *
   * @throws JournalException if the channel cannot be connected (a port in use, an unreadable log)
   */
  public synchronized void start() {
    checkNotClosed();
    if (started) {
      return;
    }
    try {
      channel.connect("fleet-coordinators");
      started = true;
    } catch (Exception e) {
      throw new JournalException("Raft node " + self + " could not join its group at " + members.get(self)
          + " with log " + logDir + ": " + e, e);
    }
  }

  /**
   * Opens the journal on the leader: {@link #start}s if needed, waits (up to the open timeout) for a leader to
   * be known, commits a barrier in this node's term, then replays every committed record.
   *
   * @return the Raft term this node leads
   * @throws JournalException if this node is not the leader (the message names the leader), or no leader was
   *     elected within the open timeout
   */
  @Override
  public long open(Consumer<byte[]> replay) {
    Objects.requireNonNull(replay, "replay");
    start();
    long deadline = ticker.read() + openTimeout.toNanos();
    while (raft.leader() == null) {
      if (ticker.read() - deadline > 0) {
        throw new JournalException("no leader among " + members.keySet() + " within " + openTimeout
            + " (does a majority of them run?); " + self + " cannot open the journal");
      }
      LockSupport.parkNanos(10_000_000L);
    }
    if (!raft.isLeader()) {
      throw new JournalException(self + " is not the leader, " + leader().orElse("nobody") + " is (term "
          + term() + "); the journal is opened on the leader");
    }
    long epoch = writes.open(replay);
    LOG.log(System.Logger.Level.INFO, "{0} opened the replicated journal as leader of term {1} at position {2}",
        self, epoch, writes.position());
    return epoch;
  }

  @Override
  public long append(byte[] record) {
    Objects.requireNonNull(record, "record");
    return writes.append(record);
  }

  @Override
  public void sync(long position) {
    writes.sync(position);
  }

  /**
   * Commits, through Raft, an entry that replaces the records up to {@code position} by {@code state} on every
   * node, then truncates the Raft log to it. The state travels once through the log (every node applies it).
   */
  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    Objects.requireNonNull(state, "state");
    writes.snapshot(position, state);
  }

  @Override
  public long position() {
    return writes.position();
  }

  @Override
  public long epoch() {
    return writes.epoch();
  }

  @Override
  public Optional<JournalException> failure() {
    return Optional.ofNullable(writes.failure());
  }

  /**
   * This node's name in the group.
   *
   * @return the name given to {@link #newBuilder}
   */
  public String name() {
    return self;
  }

  /**
   * The leader as this node knows it.
   *
   * @return the leader's name; empty during an election or when this node is cut off from a majority
   */
  public Optional<String> leader() {
    Address a = raft.leader();
    if (a instanceof ExtendedUUID uuid) {
      byte[] id = uuid.get(RAFT.raft_id_key);
      if (id != null) {
        return Optional.of(Util.bytesToString(id));
      }
    }
    return Optional.ofNullable(a).map(Address::toString);
  }

  /**
   * The members this node is connected to now, itself included (the group's current view): a member missing
   * from it has crashed, left, or is cut off from this node.
   *
   * @return the members' names, sorted; empty before {@link #start}
   */
  public java.util.Set<String> reachable() {
    org.jgroups.View view = channel.getView();
    if (view == null) {
      return java.util.Set.of();
    }
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Address a : view.getMembers()) {
      byte[] id = a instanceof ExtendedUUID uuid ? uuid.get(RAFT.raft_id_key) : null;
      names.add(id != null ? Util.bytesToString(id) : a.toString());
    }
    return names;
  }

  /**
   * Returns once a majority has committed a barrier in the term this journal was opened in, which proves that this
   * node still leads: a node deposed while it could not hear (paused, cut off) still believes it leads until it
   * hears otherwise, and this asks. Throws the journal's {@link JournalException}, and fences it, if the node no
   * longer leads or no majority answers within the commit timeout. Blocks for a round trip; call it before an
   * answer that only the leader may give from its state (a refusal), not on every request.
   */
  public void confirmLeading() {
    writes.confirmLeading();
  }

  /**
   * Whether this node is the leader now, as far as it knows: a leader cut off from the majority still believes it
   * leads until it hears otherwise (see {@link #confirmLeading}).
   *
   * @return true if this node is the leader of its current term
   */
  public boolean isLeader() {
    return raft.isLeader();
  }

  /**
   * The Raft term this node is in: it grows by at least one at each election.
   *
   * @return the current term, kept in the Raft log across restarts
   */
  public long term() {
    return raft.currentTerm();
  }

  /**
   * How far this node has applied the committed records.
   *
   * @return the position of the last committed record this node applied; 0 if none
   */
  public long committedPosition() {
    return committed.position();
  }

  /**
   * Follows the committed records: {@code listener} is told the state so far (on this thread, before this
   * returns), then each record applied. A listener added twice is told everything twice.
   *
   * @param listener told the committed state, in commit order
   * @throws NullPointerException if {@code listener} is null
   */
  public void subscribe(CommitListener listener) {
    committed.subscribe(new Forwarding(Objects.requireNonNull(listener, "listener")));
  }

  /**
   * Stops telling {@code listener}; it may still be told a record being applied while this runs.
   *
   * @param listener a listener added by {@link #subscribe}; one that was not is ignored
   */
  public void unsubscribe(CommitListener listener) {
    committed.unsubscribe(new Forwarding(listener));
  }

  /**
   * Calls {@code listener} each time this node becomes leader or stops being it, on jgroups-raft's thread while
   * it changes the leader: the listener must return quickly and hand any work to another thread. A listener that
   * throws is logged and does not stop the others.
   *
   * @param listener told the new role; never removed
   * @throws NullPointerException if {@code listener} is null
   */
  public void onRoleChange(Consumer<RaftRole> listener) {
    roleListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void roleChanged(Role role) {
    RaftRole now = role == Role.Leader ? RaftRole.LEADER : RaftRole.FOLLOWER;
    if (now == RaftRole.FOLLOWER && !closed) {
      writes.fence(self + " stepped down (term " + term() + ", leader " + leader().orElse("unknown") + ")");
    }
    for (Consumer<RaftRole> l : roleListeners) {
      try {
        l.accept(now);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, self + ": a role listener failed", e);
      }
    }
  }

  /** Commits what was appended if this node still leads, then leaves the group and closes the log. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    writes.close();
    synchronized (this) {
      closed = true;
    }
    channel.close();
  }

  /** For tests: the first index jgroups-raft still keeps in its log (above 0 once a snapshot truncated it). */
  long firstLogIndex() {
    return raft.log().firstAppended();
  }

  /** For tests that cut a node off: the node's channel. */
  JChannel channel() {
    return channel;
  }

  /**
   * For tests: stops like a killed process. No leave message and no final sync; the peers notice when its
   * connections close.
   */
  void crash() throws Exception {
    synchronized (this) {
      closed = true;
    }
    writes.fence("crashed");
    Util.shutdown(channel);
  }

  private void checkNotClosed() {
    if (closed) {
      throw new JournalException("Raft node " + self + " is closed");
    }
  }

  @Override
  public String toString() {
    return "RaftJournal[" + self + " of " + members.keySet() + ", log " + logDir + "]";
  }

  /**
   * Hands the committed log's calls to an API listener; equal for the same listener, so that {@link #unsubscribe}
   * finds what {@link #subscribe} added.
   */
  private record Forwarding(CommitListener listener) implements CommittedLog.Listener {
    @Override
    public void restored(long position, List<byte[]> records) {
      listener.restored(position, records);
    }

    @Override
    public void committed(long position, byte[] record) {
      listener.committed(position, record);
    }
  }

  /**
   * Configures a {@link RaftJournal}: the group's members with their addresses (this node among them), and the
   * timing. Each setting may be given once. Not thread-safe.
   */
  public static final class Builder {
    private final String self;
    private final Path logDir;
    private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    private Duration failureTimeout;
    private Duration commitTimeout;
    private Duration openTimeout;
    private Boolean fsync;
    private Ticker ticker;

    private Builder(String self, Path logDir) {
      this.self = checkName(Objects.requireNonNull(self, "self"));
      this.logDir = Objects.requireNonNull(logDir, "logDir");
    }

    private static String checkName(String name) {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException("a Raft node name is 1 to 63 letters, digits, '.', '_' or '-', "
            + "starting with a letter or digit; was '" + name + "'");
      }
      return name;
    }

    /**
     * Adds a member of the group, this node included, at the TCP address it listens on. Every node of a group is
     * given the same members.
     *
     * @param name the member's name, as valid as {@link RaftJournal#newBuilder}'s {@code self}
     * @param address where the member listens, resolved (JGroups' failure detection also uses the port 100
     *     above it)
     * @return this builder
     * @throws NullPointerException if {@code name} or {@code address} is null
     * @throws IllegalArgumentException if the name is not valid, the address is unresolved, or the name or the
     *     address was already added
     */
    public Builder member(String name, InetSocketAddress address) {
      checkName(Objects.requireNonNull(name, "name"));
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("the address of Raft member " + name + " does not resolve: " + address);
      }
      if (members.containsKey(name)) {
        throw new IllegalArgumentException("Raft member " + name + " was already added, at " + members.get(name));
      }
      if (members.containsValue(address)) {
        throw new IllegalArgumentException("Raft member " + name + " has the address of another member: " + address);
      }
      members.put(name, address);
      return this;
    }

    /**
     * How long a member may stay silent before it is suspected (default 2 s); a crashed process is noticed
     * sooner, when its connections close. Shorter means faster failover, and more needless ones on a slow
     * network or during long GC pauses.
     *
     * @param timeout at least 200 ms
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 200 ms
     * @throws IllegalStateException if the failure timeout was already set
     */
    public Builder failureTimeout(Duration timeout) {
      failureTimeout = once(failureTimeout, atLeast(timeout, Duration.ofMillis(200), "failureTimeout"),
          "failureTimeout");
      return this;
    }

    /**
     * How long a sync waits for a majority before the journal gives up and fails (default 10 s).
     *
     * @param timeout at least 1 ms
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 ms
     * @throws IllegalStateException if the commit timeout was already set
     */
    public Builder commitTimeout(Duration timeout) {
      commitTimeout = once(commitTimeout, atLeast(timeout, Duration.ofMillis(1), "commitTimeout"), "commitTimeout");
      return this;
    }

    /**
     * How long {@link RaftJournal#open} waits for a leader to be elected (default 15 s).
     *
     * @param timeout at least 1 ms
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 ms
     * @throws IllegalStateException if the open timeout was already set
     */
    public Builder openTimeout(Duration timeout) {
      openTimeout = once(openTimeout, atLeast(timeout, Duration.ofMillis(1), "openTimeout"), "openTimeout");
      return this;
    }

    /**
     * Whether the Raft log forces every entry to disk before acknowledging it (default true). Off, a record
     * acknowledged by a majority can be lost if a majority loses power together; meant for tests.
     *
     * @param on true to fsync every entry
     * @return this builder
     * @throws IllegalStateException if fsync was already set
     */
    public Builder fsync(boolean on) {
      fsync = once(fsync, on, "fsync");
      return this;
    }

    /**
     * The time source for the open and commit timeouts (default {@link Ticker#system()}); JGroups' own failure
     * detection keeps the system clock.
     *
     * @param t the ticker
     * @return this builder
     * @throws NullPointerException if {@code t} is null
     * @throws IllegalStateException if the ticker was already set
     */
    public Builder ticker(Ticker t) {
      ticker = once(ticker, Objects.requireNonNull(t, "ticker"), "ticker");
      return this;
    }

    private static Duration atLeast(Duration d, Duration min, String what) {
      Objects.requireNonNull(d, what);
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", was " + d);
      }
      return d;
    }

    private static <T> T once(T old, T value, String what) {
      if (old != null) {
        throw new IllegalStateException(what + " was already set to " + old + ", cannot set " + value);
      }
      return value;
    }

    /**
     * Builds the node, not yet started: nothing is bound or read before {@link RaftJournal#start} or
     * {@link RaftJournal#open}.
     *
     * @return the node
     * @throws IllegalStateException if this node was not added as a member
     * @throws JournalException if the protocol stack cannot be set up
     */
    public RaftJournal build() {
      if (!members.containsKey(self)) {
        throw new IllegalStateException("this node, " + self + ", is not among the members " + members.keySet()
            + "; add it with member(...)");
      }
      try {
        return new RaftJournal(self, members, logDir,
            failureTimeout != null ? failureTimeout : Duration.ofSeconds(2),
            commitTimeout != null ? commitTimeout : Duration.ofSeconds(10),
            openTimeout != null ? openTimeout : Duration.ofSeconds(15),
            fsync == null || fsync,
            ticker != null ? ticker : Ticker.system());
      } catch (Exception e) {
        throw new JournalException("Raft node " + self + " could not be set up: " + e, e);
      }
    }
  }
}
