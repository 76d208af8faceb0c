package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Signals;
import dev.fleet.spi.Candidate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fleet's mutable record of one machine, and the {@link Candidate} strategies see for it.
 *
 * <p>Guarded by the fleet's lock; strategies only read it during a placement.
 */
final class MachineSlot implements Candidate {
  final long registrationOrder;
  /** Its registration; set through {@link #registeredAs}, which keeps {@link #slots} in step. */
  Machine machine;
  /** The tasks it runs at once ({@link Machine#slots()}), or 0 if it declares none; read on every placement. */
  int slots;
  Health health;
  /** Set by a drain; a returning machine comes back DRAINING rather than ONLINE. */
  boolean drainRequested;
  /** A drain for shutdown ends by itself when the machine comes back from being offline. */
  boolean drainForShutdown;
  /** When a drained machine's remaining work is moved; Long.MAX_VALUE for never. */
  long drainDeadlineNanos = Long.MAX_VALUE;
  /** When it last became ONLINE; work of its role fails back once it has stayed so long enough. */
  long onlineSinceNanos;
  /** When it fell asleep, while ASLEEP: ticker time for graces, wall time for people. */
  long asleepSinceNanos;
  long asleepSinceMillis;
  /** When it said it left (wall time), while it is away since; -1 otherwise. */
  long departedAtMillis = -1;
  dev.fleet.spi.FailureDetector.Monitor monitor;
  /** Heavy work is paused here by the power policy (with hysteresis); see PlacementPolicies. */
  boolean heavyPaused;
  /** Attempts dispatched here and not finished. */
  final List<TaskRecord> tasks = new ArrayList<>(); // no array until its first task: most machines idle
  /** The load the last heartbeat reported, as sent; shown to people. */
  double reportedLoad;
  /**
   * The same in millionths. Loads are compared in fixed point so that 0.70 reported plus 0.10 reserved is
   * exactly 0.80 and meets a 0.80 ceiling, where binary floating point would give 0.7999999999999999.
   */
  long reportedMicros;
  /**
   * Load of dispatched work no heartbeat has reported yet, in millionths: fixed point, so eight tasks of
   * 0.10 add up to exactly 0.80 and meet the ceiling instead of slipping under it.
   */
  long reservedMicros;
  int reservations;
  Signals signals = Signals.NONE;
  long lastHeardNanos;
  /**
   * When this fleet registered it (or brought it back from the journal): the offline prune counts from here at the
   * earliest, so a machine loaded with an old last-heard time is not removed the moment it is loaded.
   */
  final long registeredNanos;
  long lastSequence = -1;
  /**
   * Brought back by the journal after a restart (whether it was ever heard from before is not known), or
   * registered with the time it was last heard: the never-heard prune leaves it to the offline one.
   */
  boolean restored;
  int activeTasks;
  /**
   * Tasks confirmed started whose load the next heartbeat will include; null until the first, since most
   * machines most of the time have none and every machine pays for the field.
   */
  private List<TaskRecord> startedUnreported;
  /** The index key: {@link #placementLoad()} when online and not {@linkplain #full() full}, +infinity otherwise. */
  double key;
  /**
   * The key in millionths (capped at {@link #MAX_KEY_FIELD}, or {@link #OFFLINE_FIELD} when not online) above
   * the machine's registration number: ordering ranks orders machines by key and then registration, so a
   * {@link LoadIndex} compares machines without loading them.
   */
  long rank = LoadIndex.EMPTY;
  /** Its number in the fleet's {@link SlotTable}, dense and in registration order; -1 when it has none. */
  int seq = -1;
  /** Bit i: membership i has this machine's leaf marked stale; set once per index until the index refreshes. */
  private int staleMask;

  /** The key field of a machine that is not online. */
  static final long OFFLINE_FIELD = 0x7FFF_FFFFL;
  /** The largest key field of an online machine: loads above 2,147 rank as equal (far above any ceiling). */
  static final long MAX_KEY_FIELD = OFFLINE_FIELD - 1;

  static boolean offline(long rank) {
    return (rank >>> 32) == OFFLINE_FIELD;
  }

  static int seqOf(long rank) {
    return (int) rank;
  }

  /** The indexes this machine is a leaf of, and its leaf position in each. */
  private LoadIndex[] memberships;
  private int[] positions;
  private int membershipCount;

  MachineSlot(Machine machine, long registrationOrder, Health health, double load, long nowNanos) {
    // Room for one index per capability plus the index of every machine (built when a task requires
    // nothing); indexes of several capabilities grow it.
    int expected = machine.capabilities().size() + 1;
    this.memberships = new LoadIndex[expected];
    this.positions = new int[expected];
    registeredAs(machine);
    this.registrationOrder = registrationOrder;
    this.health = health;
    report(load);
    this.lastHeardNanos = nowNanos;
    this.registeredNanos = nowNanos;
    // A machine that joins counts as settled: failback waits only after a recovery.
    this.onlineSinceNanos = Long.MIN_VALUE / 2;
    rekey();
  }

  /** Takes a (new) registration; the caller re-keys the machine, as its slots may have changed. */
  void registeredAs(Machine m) {
    machine = m;
    slots = m.slots().orElse(0);
  }

  /**
   * Whether it declares slots and every one holds an attempt: it takes no new work, whatever its load. Paused
   * attempts count, as the machine still holds them.
   */
  boolean full() {
    return slots > 0 && activeTasks >= slots;
  }

  /** Refuses a new attempt of {@code task} on a full machine: the one limit nothing may cross. */
  void requireFreeSlot(Object task) {
    if (full()) {
      throw new IllegalStateException("no free slot on " + machine.id() + " for task " + task + " ("
          + activeTasks + " of " + slots + " in use)");
    }
  }

  /**
   * The load a task of this weight adds here until a heartbeat reports it: its share of the machine's slots if
   * it declares them, else {@code loadPerTask} scaled by the weight.
   */
  double shareOf(dev.fleet.Weight weight, double loadPerTask) {
    return slots > 0 ? weight.factor() / slots : loadPerTask * weight.factor();
  }

  /** Reported plus reserved load, at a resolution of one millionth. */
  double effectiveLoad() {
    return (reportedMicros + reservedMicros) / 1e6;
  }

  void report(double load) {
    reportedLoad = load;
    reportedMicros = micros(load);
  }

  /** A load in millionths, capped far above any real load so sums cannot overflow. */
  static long micros(double load) {
    return Math.round(Math.min(load, 1e9) * 1e6);
  }

  /**
   * The load placement ranks and compares by: effective load, scaled up while throttled for heat, at a
   * resolution of one millionth like every load Fleet compares.
   */
  double placementLoad() {
    return placementMicros() / 1e6;
  }

  private long placementMicros() {
    long micros = reportedMicros + reservedMicros;
    if (!signals.throttled()) {
      return micros;
    }
    return micros(PlacementPolicies.capacityScaled(micros / 1e6, signals));
  }

  /**
   * Recomputes the key and rank, and marks this machine's leaf stale in every index it belongs to (once
   * until each index refreshes).
   *
   * @return the key before the change, so callers can tell whether capacity was freed
   */
  double rekey() {
    double old = key;
    long field;
    if (health == Health.ONLINE && full()) {
      // Ranked after every machine with a free slot and above any ceiling (at most 10), so no index offers it.
      key = Double.POSITIVE_INFINITY;
      field = MAX_KEY_FIELD;
    } else if (health == Health.ONLINE) {
      long micros = placementMicros();
      key = micros / 1e6;
      field = Math.min(micros, MAX_KEY_FIELD);
    } else {
      key = Double.POSITIVE_INFINITY;
      field = OFFLINE_FIELD;
    }
    long r = (field << 32) | (seq & 0xFFFF_FFFFL);
    if (r != rank) {
      rank = r;
      int n = membershipCount;
      for (int i = 0; i < n; i++) {
        int bit = i < 32 ? 1 << i : 0;
        if (bit == 0) {
          memberships[i].rerank(positions[i]);
        } else if ((staleMask & bit) == 0) {
          staleMask |= bit;
          memberships[i].stale(this, positions[i], i);
        }
      }
    }
    return old;
  }

  /** The index of membership {@code membership} (below 32) has taken this machine's current rank. */
  void fresh(int membership) {
    staleMask &= ~(1 << membership);
  }

  /** Takes a new number (or none, -1) and the rank that goes with it; the caller re-ranks the indexes. */
  void renumber(int newSeq) {
    seq = newSeq;
    rank = (rank & 0xFFFF_FFFF_0000_0000L) | (newSeq & 0xFFFF_FFFFL);
  }

  /** Whether tasks confirmed started wait for a heartbeat to report their load. */
  boolean hasStartedUnreported() {
    return startedUnreported != null && !startedUnreported.isEmpty();
  }

  /** The tasks confirmed started that no heartbeat has reported yet; do not modify. */
  List<TaskRecord> startedUnreported() {
    return startedUnreported == null ? List.of() : startedUnreported;
  }

  void addStartedUnreported(TaskRecord task) {
    if (startedUnreported == null) {
      startedUnreported = new ArrayList<>(2);
    }
    startedUnreported.add(task);
  }

  void removeStartedUnreported(TaskRecord task) {
    if (startedUnreported != null) {
      startedUnreported.remove(task);
    }
  }

  void clearStartedUnreported() {
    if (startedUnreported != null) {
      startedUnreported.clear();
    }
  }

  void join(LoadIndex index, int pos) {
    if (membershipCount == memberships.length) {
      int grown = Math.max(4, membershipCount * 2);
      memberships = Arrays.copyOf(memberships, grown);
      positions = Arrays.copyOf(positions, grown);
    }
    memberships[membershipCount] = index;
    positions[membershipCount] = pos;
    membershipCount++;
  }

  void moved(LoadIndex index, int pos) {
    for (int i = 0; i < membershipCount; i++) {
      if (memberships[i] == index) {
        positions[i] = pos;
        return;
      }
    }
    throw new IllegalStateException(machine.id() + " is not in " + index);
  }

  int positionIn(LoadIndex index) {
    for (int i = 0; i < membershipCount; i++) {
      if (memberships[i] == index) {
        return positions[i];
      }
    }
    throw new IllegalStateException(machine.id() + " is not in " + index);
  }

  boolean memberOf(LoadIndex index) {
    for (int i = 0; i < membershipCount; i++) {
      if (memberships[i] == index) {
        return true;
      }
    }
    return false;
  }

  /** Leaves every index; used when the machine leaves or its capabilities change. */
  void leaveAll() {
    while (membershipCount > 0) {
      int i = membershipCount - 1;
      // Removing refreshes the index first, which clears this membership's stale bit.
      memberships[i].remove(this, positions[i]);
      membershipCount--;
      memberships[i] = null;
    }
  }

  int membershipCount() {
    return membershipCount;
  }

  LoadIndex membership(int i) {
    return memberships[i];
  }

  /**
   * The machine as callers see it. When it was last heard is shown in wall-clock time converted from the
   * ticker through an anchor (a wall-clock and a ticker reading taken together): reading the wall clock
   * on every heartbeat would cost more than the rest of the heartbeat (a system call on some virtual
   * machines).
   *
   * @param anchorWallMillis the wall clock at the anchor
   * @param anchorNanos the ticker at the anchor
   */
  MachineStatus snapshot() {
    return new MachineStatus(machine, health, reportedLoad, effectiveLoad(), signals,
        lastHeardMillis == NEVER_HEARD ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastHeardMillis)),
        activeTasks, registrationOrder);
  }

  /**
   * When it was last heard, in wall-clock time: converted through the anchor when it is heard, so a snapshot
   * never changes afterwards just because a sweep renewed the anchor.
   */
  long lastHeardMillis;

  /** {@link #lastHeardMillis} of a machine registered as never heard from, until its first heartbeat. */
  static final long NEVER_HEARD = Long.MIN_VALUE;

  void heard(long nowNanos, long anchorWallMillis, long anchorNanos) {
    lastHeardNanos = nowNanos;
    lastHeardMillis = anchorWallMillis + Math.floorDiv(nowNanos - anchorNanos, 1_000_000L);
  }

  @Override
  public MachineId id() {
    return machine.id();
  }

  @Override
  public Machine machine() {
    return machine;
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public double load() {
    return placementLoad();
  }

  @Override
  public Signals signals() {
    return signals;
  }

  @Override
  public long registrationOrder() {
    return registrationOrder;
  }

  @Override
  public int activeTasks() {
    return activeTasks;
  }

  @Override
  public String toString() {
    return machine.id() + "[" + health.word() + ", load " + effectiveLoad() + "]";
  }
}
