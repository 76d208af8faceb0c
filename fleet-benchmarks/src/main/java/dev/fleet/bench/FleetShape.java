package dev.fleet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One fleet's machines, loads, tasks and heartbeats, generated from a fixed seed, so that Fleet, the
 * seed's algorithm and Fenzo are measured on exactly the same hosts and the same work.
 *
 * <p>Each machine has 3 to 8 of {@link #CAPABILITIES}, a role, and a fixed kind: about 75% are
 * {@link Kind#NORMAL} (load in [0, 0.80)), 15% {@link Kind#BUSY} (online but at or over the 0.80
 * ceiling, load in [0.80, 1.50)) and 10% {@link Kind#OFFLINE}. Heartbeats redraw a machine's load
 * within its kind, so the set of machines that may take a given capability never changes and every
 * task has somewhere to go; which one is least loaded does change. Tasks each require one capability,
 * drawn from those that some normal machine has (the seed's task has a single {@code requires}).
 *
 * <p>Immutable after construction and thread-safe; the arrays are exposed for speed and must not be
 * written.
 */
public final class FleetShape {

  /** The capability vocabulary: the seed's ten and six more. */
  public static final String[] CAPABILITIES = {
    "inference", "code", "planning", "brain", "social", "deploy", "testing", "monitoring",
    "cron", "alerts", "video", "embeddings", "web", "storage", "batch", "audio"};

  static final String[] ROLES = {"primary", "parallel", "cron", "interface", "metabolism", "batch"};

  /** The seed's load ceiling; Fleet's default. */
  public static final double CEILING = 0.8;

  /** One heartbeat (a load update) is applied between every this many decisions, in every contestant. */
  public static final int DECISIONS_PER_HEARTBEAT = 10;

  /** Tasks in the ring replayed by the decision benchmarks; a power of two. */
  public static final int TASK_RING = 4096;

  /** Heartbeats in the ring replayed between decisions; a power of two. */
  public static final int BEAT_RING = 16384;

  /** The seed every shape is drawn from. */
  public static final long SEED = 0x5EED_F1EE7L;

  /** What a machine is doing for the whole run. */
  public enum Kind {
    /** Online, load below the ceiling: may take work. */
    NORMAL,
    /** Online, load at or over the ceiling: takes no work. */
    BUSY,
    /** Not heard from: takes no work and sends no heartbeats. */
    OFFLINE
  }

  public final int size;
  public final String[] ids;
  public final String[] hostnames;
  public final String[] roles;
  public final String[][] capabilities;
  public final Kind[] kinds;
  /** Loads at registration. */
  public final double[] loads;
  /** Capabilities that at least one normal machine has, in vocabulary order. */
  public final String[] placeable;
  /** The capability each task of the ring requires. */
  public final String[] taskRequires;
  /** Which machine each heartbeat of the ring comes from (never an offline one), and the load it reports. */
  public final int[] beatMachine;
  public final double[] beatLoad;

  private FleetShape(int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("a fleet needs at least one machine, got " + size);
    }
    SplittableRandom rnd = new SplittableRandom(seed ^ size);
    this.size = size;
    ids = new String[size];
    hostnames = new String[size];
    roles = new String[size];
    capabilities = new String[size][];
    kinds = new Kind[size];
    loads = new double[size];
    int[] order = new int[CAPABILITIES.length];
    for (int i = 0; i < size; i++) {
      ids[i] = "m-" + i;
      hostnames[i] = "m-" + i + ".fleet.local";
      roles[i] = ROLES[rnd.nextInt(ROLES.length)];
      int k = 3 + rnd.nextInt(6);
      for (int c = 0; c < order.length; c++) {
        order[c] = c;
      }
      for (int c = 0; c < k; c++) { // partial Fisher-Yates: k distinct capabilities in random order
        int j = c + rnd.nextInt(order.length - c);
        int t = order[c];
        order[c] = order[j];
        order[j] = t;
      }
      String[] caps = new String[k];
      for (int c = 0; c < k; c++) {
        caps[c] = CAPABILITIES[order[c]];
      }
      capabilities[i] = caps;
      double p = rnd.nextDouble();
      kinds[i] = p < 0.10 ? Kind.OFFLINE : p < 0.25 ? Kind.BUSY : Kind.NORMAL;
      loads[i] = kinds[i] == Kind.OFFLINE ? 0.0 : drawLoad(rnd, kinds[i]);
    }
    if (Arrays.stream(kinds).noneMatch(k -> k == Kind.NORMAL)) {
      kinds[0] = Kind.NORMAL; // tiny fleets: keep at least one machine able to take work
      loads[0] = drawLoad(rnd, Kind.NORMAL);
    }
    List<String> ok = new ArrayList<>();
    for (String cap : CAPABILITIES) {
      for (int i = 0; i < size; i++) {
        if (kinds[i] == Kind.NORMAL && Arrays.asList(capabilities[i]).contains(cap)) {
          ok.add(cap);
          break;
        }
      }
    }
    placeable = ok.toArray(String[]::new);
    taskRequires = new String[TASK_RING];
    for (int t = 0; t < TASK_RING; t++) {
      taskRequires[t] = placeable[rnd.nextInt(placeable.length)];
    }
    beatMachine = new int[BEAT_RING];
    beatLoad = new double[BEAT_RING];
    heartbeats(rnd);
  }

  /**
   * Fills the heartbeat ring. Every machine in it appears at least twice, and each of its heartbeats reports
   * a load different from its previous one in the ring, counting round the end: replayed forever, every
   * heartbeat really changes a load (a repeated load is a cheaper no-op that would flatter the contestants).
   */
  private void heartbeats(SplittableRandom rnd) {
    int[] alive = java.util.stream.IntStream.range(0, size).filter(i -> kinds[i] != Kind.OFFLINE).toArray();
    for (int b = 0; b < BEAT_RING; b += 2) {
      int m = alive[rnd.nextInt(alive.length)];
      beatMachine[b] = m;
      beatMachine[b + 1] = m;
    }
    for (int i = BEAT_RING - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = beatMachine[i];
      beatMachine[i] = beatMachine[j];
      beatMachine[j] = t;
    }
    int[] first = new int[size];
    int[] last = new int[size];
    java.util.Arrays.fill(first, -1);
    for (int b = 0; b < BEAT_RING; b++) {
      int m = beatMachine[b];
      double l;
      do {
        l = drawLoad(rnd, kinds[m]);
      } while (first[m] >= 0 && l == beatLoad[last[m]]);
      beatLoad[b] = l;
      if (first[m] < 0) {
        first[m] = b;
      }
      last[m] = b;
    }
    for (int m = 0; m < size; m++) { // close each machine's cycle: its last load must differ from its first
      while (first[m] >= 0 && beatLoad[last[m]] == beatLoad[first[m]]) {
        int before = -1;
        for (int b = last[m] - 1; b >= 0; b--) {
          if (beatMachine[b] == m) {
            before = b;
            break;
          }
        }
        double l = drawLoad(rnd, kinds[m]);
        if (l != beatLoad[first[m]] && l != beatLoad[before]) {
          beatLoad[last[m]] = l;
        }
      }
    }
  }

  /** The shape of a fleet of {@code machines} machines, the same on every call and every run. */
  public static FleetShape of(int machines) {
    return new FleetShape(machines, SEED);
  }

  private static double drawLoad(SplittableRandom rnd, Kind kind) {
    // Two decimals, as agents report: ties happen, and both contestants must break them the same way.
    double l = kind == Kind.BUSY ? 0.80 + rnd.nextDouble() * 0.70 : rnd.nextDouble() * 0.80;
    return Math.min(Math.floor(l * 100) / 100, kind == Kind.BUSY ? 1.5 : 0.79);
  }

  /** How many machines are of the given kind. */
  public int count(Kind kind) {
    int n = 0;
    for (Kind k : kinds) {
      if (k == kind) {
        n++;
      }
    }
    return n;
  }
}
