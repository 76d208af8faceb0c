package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs the placement strategy for one task, in tiers when the task prefers a role or has just lost a
 * machine: machines of its role that have been back long enough, then machines named as their backup,
 * then machines of its role that recovered only recently, then any machine; within each, any machine but
 * the one that lost the last attempt before that one.
 *
 * <p>A task with neither goes straight to the strategy over the full view: the fast path. Guarded by the
 * fleet's lock.
 */
final class Placer {
  private static final System.Logger LOG = System.getLogger(Placer.class.getName());

  private final PlacementStrategy strategy;
  private final CandidateView view = new CandidateView();
  private final long failbackNanos;
  private final Map<String, List<MachineSlot>> byRole = new HashMap<>();
  /** Why the strategy failed in the last placement, or null. */
  String failure;
  /** What to say about the last choice beyond load, or "". */
  String note = "";

  private final PlacementPolicies policies;

  Placer(PlacementStrategy strategy, long failbackNanos, PlacementPolicies policies) {
    this.strategy = strategy;
    this.failbackNanos = failbackNanos;
    this.policies = policies;
  }

  void joined(MachineSlot m) {
    byRole.computeIfAbsent(m.machine.role(), r -> new ArrayList<>()).add(m);
  }

  void left(MachineSlot m) {
    List<MachineSlot> l = byRole.get(m.machine.role());
    if (l != null) {
      l.remove(m);
    }
  }

  /**
   * The chosen machine, or null (then {@link #failure} says whether the strategy failed). Heavy and
   * background work is filtered by the policies; heavy work tries every machine but thin clients first.
   */
  MachineSlot choose(Task task, LoadIndex where, double ceiling, MachineSlot avoid, long now,
      java.time.InstantSource wallClock) {
    failure = null;
    note = "";
    if (!PlacementPolicies.applies(task)) {
      return chooseByRole(task, where, ceiling, avoid, now, null);
    }
    long wallMillis = wallClock.millis();
    Predicate<MachineSlot> allowed = s -> policies.veto(task, s, wallMillis) == null;
    if (task.weight() != dev.fleet.Weight.HEAVY) {
      return chooseByRole(task, where, ceiling, avoid, now, allowed);
    }
    MachineSlot c = chooseByRole(task, where, ceiling, avoid, now,
        s -> !s.machine.role().equals(THIN_CLIENT_ROLE) && allowed.test(s));
    if (c != null || failure != null) {
      return c;
    }
    c = chooseByRole(task, where, ceiling, avoid, now, allowed);
    if (c != null) {
      note = join(note, "a thin client, as nothing else fits heavy work");
    }
    return c;
  }

  static final String THIN_CLIENT_ROLE = "interface";

  private MachineSlot chooseByRole(Task task, LoadIndex where, double ceiling, MachineSlot avoid, long now,
      Predicate<MachineSlot> base) {
    if (task.role().isEmpty()) {
      return preferOthers(task, where, ceiling, avoid, base, "");
    }
    String role = task.role().get();
    List<MachineSlot> ofRole = byRole.getOrDefault(role, List.of());
    MachineSlot c = preferOthers(task, where, ceiling, avoid,
        and(base, s -> s.machine.role().equals(role) && now - s.onlineSinceNanos >= failbackNanos),
        "role '" + role + "'");
    if (c != null || failure != null || ofRole.isEmpty()) {
      return c != null || failure != null ? c
          : preferOthers(task, where, ceiling, avoid, base, "no machine of role '" + role + "' exists");
    }
    c = preferOthers(task, where, ceiling, avoid, and(base, s -> isBackup(s, ofRole)),
        "backup for role '" + role + "', whose machines are down or recovered less than "
            + RulesPage.time(java.time.Duration.ofNanos(failbackNanos)) + " ago");
    if (c != null || failure != null) {
      return c;
    }
    c = preferOthers(task, where, ceiling, avoid, and(base, s -> s.machine.role().equals(role)),
        "role '" + role + "', recovered recently; no backup fits");
    if (c != null || failure != null) {
      return c;
    }
    return preferOthers(task, where, ceiling, avoid, base, "no machine of role '" + role + "' or its backup fits");
  }

  private static Predicate<MachineSlot> and(Predicate<MachineSlot> base, Predicate<MachineSlot> tier) {
    return base == null ? tier : base.and(tier);
  }

  private static boolean isBackup(MachineSlot s, List<MachineSlot> ofRole) {
    String id = s.machine.id().value();
    for (MachineSlot m : ofRole) {
      if (id.equals(m.machine.labels().get(dev.fleet.Machine.LABEL_BACKUP))) {
        return true;
      }
    }
    return false;
  }

  private MachineSlot preferOthers(Task task, LoadIndex where, double ceiling, MachineSlot avoid,
      Predicate<MachineSlot> only, String why) {
    if (avoid != null) {
      MachineSlot c = select(task, where, ceiling, avoid, only);
      if (c != null || failure != null) {
        note = join(why, c == null ? "" : "avoiding " + avoid.id() + ", which lost the last attempt");
        return c;
      }
    }
    MachineSlot c = select(task, where, ceiling, null, only);
    if (c != null) {
      note = why;
    }
    return c;
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
  }

  private MachineSlot select(Task task, LoadIndex where, double ceiling, MachineSlot avoid,
      Predicate<MachineSlot> only) {
    CandidateView v = view.aim(task, where, ceiling, avoid, only);
    Candidate c;
    try {
      c = strategy.select(task, v);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "placement strategy '" + strategy.name() + "' failed for task " + task.id(), e);
      failure = e.toString();
      return null;
    }
    if (c == null) {
      return null;
    }
    if (!v.eligible(c)) {
      failure = "it chose " + c.id() + ", which is not an eligible candidate";
      LOG.log(Level.WARNING, "placement strategy '" + strategy.name() + "' chose ineligible machine " + c.id()
          + " for task " + task.id() + "; the task waits");
      return null;
    }
    return (MachineSlot) c;
  }
}
