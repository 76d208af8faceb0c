package dev.fleet.core.internal.capacity;

import dev.fleet.Reason;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet's capacity history: a ring of fixed-size time buckets over a fixed horizon, each holding bounded
 * per-capability, per-role, per-machine and presence figures, so memory is bounded whatever the traffic and old
 * buckets are reused as time rolls on. Fed by periodic samples and task endings; read as a {@link Window}.
 *
 * <p>Time is the fleet ticker's nanoseconds, passed in by the caller. Thread-safe: every method is synchronized,
 * and none is called on the dispatch path.
 */
public final class History {
  /** The default bucket: ten minutes. */
  public static final Duration BUCKET = Duration.ofMinutes(10);
  /** The default horizon: seven days. */
  public static final Duration HORIZON = Duration.ofDays(7);
  /** Distinct capabilities and roles one bucket keeps; more are counted as dropped. */
  public static final int MAX_KEYS = 64;
  /** Distinct machines one bucket keeps. */
  public static final int MAX_MACHINES = 1024;
  /** Distinct (machine, reason) presence waits one bucket keeps. */
  public static final int MAX_PRESENCE = 128;

  private final long bucketNanos;
  private final Bucket[] ring;
  private final int maxKeys;
  private final int maxMachines;
  private final int maxPresence;
  /** Tasks recorded for a what-if replay at most; the oldest go first. */
  public static final int MAX_ARRIVALS = 20_000;
  private final java.util.ArrayDeque<Arrival> arrivals = new java.util.ArrayDeque<>();
  private long origin = Long.MIN_VALUE;
  private long latest = Long.MIN_VALUE;

  public History() {
    this(BUCKET, (int) (HORIZON.toNanos() / BUCKET.toNanos()), MAX_KEYS, MAX_MACHINES, MAX_PRESENCE);
  }

  public History(Duration bucket, int buckets, int maxKeys, int maxMachines, int maxPresence) {
    if (bucket.isNegative() || bucket.isZero()) {
      throw new IllegalArgumentException("bucket must be positive, got " + bucket);
    }
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
    }
    this.bucketNanos = bucket.toNanos();
    this.ring = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      ring[i] = new Bucket();
    }
    this.maxKeys = maxKeys;
    this.maxMachines = maxMachines;
    this.maxPresence = maxPresence;
  }

  /** The longest window the history can answer for. */
  public Duration horizon() {
    return Duration.ofNanos(bucketNanos * ring.length);
  }

  /** The key of a capability, or of a role, in the per-key maps. */
  static String key(String name, boolean role) {
    return (role ? 'r' : 'c') + name;
  }

  private Bucket at(long now) {
    if (origin == Long.MIN_VALUE) {
      origin = now;
    }
    latest = Math.max(latest, now);
    long number = Math.floorDiv(now - origin, bucketNanos);
    if (number < 0) {
      return null; // before the history began
    }
    Bucket b = ring[(int) Math.floorMod(number, (long) ring.length)];
    if (b.number != number) {
      if (b.number > number) {
        return null; // older than the horizon: the slot already holds a later bucket
      }
      b.reset(number);
    }
    return b;
  }

  /** Anchors the buckets' edges at {@code now}, before anything is recorded; later anchors change nothing. */
  public synchronized void anchor(long now) {
    if (origin == Long.MIN_VALUE) {
      origin = now;
      latest = now;
    }
  }

  /** {@code nanos} of sampled time passed, ending at {@code now}. */
  public synchronized void covered(long now, long nanos) {
    Bucket b = at(now);
    if (b != null) {
      b.coveredNanos += nanos;
    }
  }

  /** A machine was online for {@code nanos}, at the ceiling or not, running something or not. */
  public synchronized void machine(long now, long nanos, String id, Set<String> capabilities, String role,
      boolean atCeiling, boolean idle) {
    Bucket b = at(now);
    if (b == null) {
      return;
    }
    MachineStats m = b.machine(id, maxMachines);
    if (m != null) {
      m.onlineNanos += nanos;
      m.idleNanos += idle ? nanos : 0;
      m.ceilingNanos += atCeiling ? nanos : 0;
      m.capabilities = capabilities;
      m.role = role;
    }
    for (String c : capabilities) {
      keyTime(b, key(c, false), nanos, atCeiling);
    }
    keyTime(b, key(role, true), nanos, atCeiling);
  }

  private void keyTime(Bucket b, String key, long nanos, boolean atCeiling) {
    KeyStats s = b.key(key, maxKeys);
    if (s != null) {
      s.machineNanos += nanos;
      s.ceilingNanos += atCeiling ? nanos : 0;
    }
  }

  /** A task needing these capabilities (and role, if any) was queued for {@code nanos}. */
  public synchronized void queued(long now, long nanos, Collection<String> capabilities, Optional<String> role) {
    Bucket b = at(now);
    if (b == null) {
      return;
    }
    for (String c : capabilities) {
      KeyStats s = b.key(key(c, false), maxKeys);
      if (s != null) {
        s.queueNanos += nanos;
      }
    }
    if (role.isPresent()) {
      KeyStats s = b.key(key(role.get(), true), maxKeys);
      if (s != null) {
        s.queueNanos += nanos;
      }
    }
  }

  /** A task waited {@code nanos} for a capability no machine had; {@code first} the first time it is seen. */
  public synchronized void missing(long now, long nanos, String capability, boolean first) {
    Bucket b = at(now);
    KeyStats s = b == null ? null : b.key(key(capability, false), maxKeys);
    if (s != null) {
      s.missingNanos += nanos;
      s.missingTasks += first ? 1 : 0;
    }
  }

  /** Queued work waited {@code nanos} for this machine's power or owner. */
  public synchronized void presence(long now, long nanos, String machine, Reason reason) {
    Bucket b = at(now);
    if (b != null) {
      b.presence(new Bucket.Presence(machine, reason), nanos, maxPresence);
    }
  }

  /** A task ended: it waited {@code waitNanos} for its first attempt and its last ran {@code runNanos} (-1: none). */
  public synchronized void finished(long now, Collection<String> capabilities, Optional<String> role, long waitNanos,
      long runNanos) {
    Bucket b = at(now);
    if (b == null) {
      return;
    }
    for (String c : capabilities) {
      KeyStats s = b.key(key(c, false), maxKeys);
      if (s != null) {
        s.finished(waitNanos, runNanos);
      }
    }
    if (role.isPresent()) {
      KeyStats s = b.key(key(role.get(), true), maxKeys);
      if (s != null) {
        s.finished(waitNanos, runNanos);
      }
    }
  }

  /** Records a task that ran, for what-if replays; the oldest beyond {@link #MAX_ARRIVALS} or the horizon go. */
  public synchronized void arrived(Arrival a) {
    arrivals.addLast(a);
    while (arrivals.size() > MAX_ARRIVALS) {
      arrivals.removeFirst();
    }
  }

  /** The recorded tasks that arrived within {@code window} of {@code now}, in order of arrival. */
  public synchronized java.util.List<Arrival> arrivals(long now, Duration window) {
    long from = now - Math.min(window.toNanos(), bucketNanos * ring.length);
    while (!arrivals.isEmpty() && arrivals.peekFirst().atNanos() < now - bucketNanos * ring.length) {
      arrivals.removeFirst();
    }
    java.util.List<Arrival> out = new java.util.ArrayList<>();
    for (Arrival a : arrivals) {
      if (a.atNanos() >= from) {
        out.add(a);
      }
    }
    out.sort(java.util.Comparator.comparingLong(Arrival::atNanos));
    return out;
  }

  /** Everything held, in entries: bounded by buckets times the three caps. */
  public synchronized int entries() {
    int n = arrivals.size();
    for (Bucket b : ring) {
      n += b.entries();
    }
    return n;
  }

  /** How many buckets hold anything. */
  public synchronized int bucketsInUse() {
    int n = 0;
    for (Bucket b : ring) {
      n += b.number >= 0 ? 1 : 0;
    }
    return n;
  }

  public int capacityInEntries() {
    return ring.length * (maxKeys + maxMachines + maxPresence) + MAX_ARRIVALS;
  }

  /**
   * The sum of the buckets within {@code window} of {@code now} (the current bucket and enough before it), with
   * each key's ceiling share in {@code slices} equal slices for a sparkline.
   */
  public synchronized Window window(long now, Duration window, int slices) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    long span = Math.min(ring.length, Math.max(1, (window.toNanos() + bucketNanos - 1) / bucketNanos));
    if (origin == Long.MIN_VALUE) {
      return new Window(1);
    }
    long current = Math.floorDiv(Math.max(now, latest) - origin, bucketNanos);
    long first = current - span + 1;
    // The slices span the part of the window the history covers, so a young history still draws a curve.
    long earliest = current;
    for (Bucket b : ring) {
      if (b.number >= Math.max(first, 0) && b.number < earliest) {
        earliest = b.number;
      }
    }
    span = current - earliest + 1;
    first = earliest;
    Window w = new Window((int) Math.min(slices, span));
    // Oldest first, so a machine's capabilities and role are the latest seen.
    for (long n = Math.max(first, 0); n <= current; n++) {
      Bucket b = ring[(int) Math.floorMod(n, (long) ring.length)];
      if (b.number == n) {
        w.add(b, (int) ((n - first) * w.slices / span));
      }
    }
    return w;
  }

  /** A window's sums. Not thread-safe; a copy the caller owns. */
  public static final class Window {
    final int slices;
    long coveredNanos;
    final Map<String, KeyStats> keys = new LinkedHashMap<>();
    final Map<String, long[][]> series = new LinkedHashMap<>();
    final Map<String, Durations[]> waitSeries = new LinkedHashMap<>();
    final Map<String, MachineStats> machines = new LinkedHashMap<>();
    final Map<Bucket.Presence, Long> presence = new LinkedHashMap<>();

    Window(int slices) {
      this.slices = Math.max(1, slices);
    }

    void add(Bucket b, int slice) {
      coveredNanos += b.coveredNanos;
      b.keys.forEach((k, s) -> {
        keys.computeIfAbsent(k, x -> new KeyStats()).addAll(s);
        long[][] ser = series.computeIfAbsent(k, x -> new long[2][slices]);
        ser[0][slice] += s.ceilingNanos;
        ser[1][slice] += s.machineNanos;
        if (s.waits != null) {
          Durations[] w = waitSeries.computeIfAbsent(k, x -> new Durations[slices]);
          if (w[slice] == null) {
            w[slice] = new Durations();
          }
          w[slice].addAll(s.waits);
        }
      });
      b.machines.forEach((k, m) -> machines.computeIfAbsent(k, x -> new MachineStats()).addAll(m));
      b.presence.forEach((k, n) -> presence.merge(k, n, Long::sum));
    }

    public Duration covered() {
      return Duration.ofNanos(coveredNanos);
    }
  }
}
