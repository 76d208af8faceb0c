package dev.fleet.core.internal;

import dev.fleet.Explanation;
import dev.fleet.Health;
import dev.fleet.MachineVerdict;
import dev.fleet.Reason;
import dev.fleet.Task;
import dev.fleet.spi.PlacementStrategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Works out why no machine took a task, Kubernetes style: counts per reason in one line, each
 * machine's verdict, and what would unblock it.
 *
 * <p>Runs only when a task waits, and costs O(machines with the capabilities) plus, for tasks of
 * several capabilities, a scan to say which one each other machine lacks. Guarded by the fleet's lock.
 */
final class Explainer {
  /** Verdicts listed per reason; counts are always complete. */
  static final int LISTED_PER_REASON = 5;

  private final PlacementStrategy strategy;
  private final PlacementPolicies policies;

  Explainer(PlacementStrategy strategy, PlacementPolicies policies) {
    this.strategy = strategy;
    this.policies = policies;
  }

  Explanation queued(Task task, LoadIndex index, double ceiling, Collection<MachineSlot> all, String strategyFailure,
      long wallMillis) {
    int total = all.size();
    Map<Reason, List<MachineVerdict>> listed = new EnumMap<>(Reason.class);
    Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
    List<MachineSlot> atCeiling = new ArrayList<>();
    List<MachineSlot> full = new ArrayList<>();
    List<MachineSlot> ownWork = new ArrayList<>();
    List<MachineSlot> away = new ArrayList<>();
    List<String> policyUnblockers = new ArrayList<>();
    boolean filtered = PlacementPolicies.applies(task);

    for (int i = 0; i < index.size(); i++) {
      MachineSlot m = index.leaf(i);
      Reason r;
      String detail;
      if (m.health != Health.ONLINE) {
        r = Reason.of(m.health);
        detail = m.health == Health.ASLEEP ? "asleep since " + clock(m) : m.health.word();
        away.add(m);
      } else if (m.full()) {
        r = Reason.SLOTS_FULL;
        detail = BusyWords.slotsFull(m);
        full.add(m);
      } else if (m.placementLoad() >= ceiling) {
        r = Reason.AT_CEILING;
        detail = BusyWords.atCeiling(m, ceiling);
        atCeiling.add(m);
        if (BusyWords.reportedAtCeiling(m, ceiling)) {
          ownWork.add(m);
        }
      } else if (filtered && policies.veto(task, m, wallMillis) != null) {
        r = policies.veto(task, m, wallMillis);
        detail = policies.detail(r, m);
        if (policyUnblockers.size() < 3) {
          policyUnblockers.add(policies.unblocker(r, m));
        }
      } else if (strategyFailure != null) {
        r = Reason.STRATEGY_FAILED;
        detail = "strategy '" + strategy.name() + "' failed: " + strategyFailure;
      } else {
        r = Reason.DECLINED;
        String d = safeDecline(task, m);
        detail = d != null ? d : "not chosen by strategy '" + strategy.name() + "'";
      }
      count(counts, listed, r, new MachineVerdict(m.id(), r, detail));
    }

    Map<String, Integer> lacking = new LinkedHashMap<>();
    int lackingCount = total - index.size();
    if (lackingCount > 0) {
      Set<String> requires = task.requires();
      for (MachineSlot m : all) {
        if (m.memberOf(index)) {
          continue;
        }
        String missing = firstMissing(requires, m.machine.capabilities());
        lacking.merge(missing, 1, Integer::sum);
        count(counts, listed, Reason.LACKS_CAPABILITY,
            new MachineVerdict(m.id(), Reason.LACKS_CAPABILITY, "lacks '" + missing + "'"));
      }
    }

    List<String> parts = new ArrayList<>();
    addCount(parts, counts, Reason.OFFLINE, "offline");
    addCount(parts, counts, Reason.SUSPECT, "suspect");
    addCount(parts, counts, Reason.ASLEEP, "asleep");
    addCount(parts, counts, Reason.DRAINING, "draining");
    lacking.forEach((cap, n) -> parts.add(n + (n == 1 ? " lacks '" : " lack '") + cap + "'"));
    if (!atCeiling.isEmpty()) {
      parts.add(atCeiling.size() == 1
          ? String.format(Locale.ROOT, "1 at load %.2f >= %.2f", atCeiling.get(0).placementLoad(), ceiling)
          : String.format(Locale.ROOT, "%d at load >= %.2f", atCeiling.size(), ceiling));
    }
    if (!full.isEmpty()) {
      parts.add(full.size() == 1 ? "1 with its " + BusyWords.slotsFull(full.get(0)) : full.size() + " with slots full");
    }
    addCount(parts, counts, Reason.ON_BATTERY, "on battery or recharging");
    addCount(parts, counts, Reason.THROTTLED, "throttling for heat");
    addCount(parts, counts, Reason.OWNER_ACTIVE, "with their owner active");
    addCount(parts, counts, Reason.DECLINED, "declined by strategy '" + strategy.name() + "'");
    addCount(parts, counts, Reason.STRATEGY_FAILED, "not placed: strategy '" + strategy.name() + "' failed");

    String summary = "0/" + total + " machines fit"
        + (total == 0 ? ": no machines are registered" : parts.isEmpty() ? "" : ": " + String.join(", ", parts));

    List<MachineVerdict> verdicts = new ArrayList<>();
    int omitted = 0;
    for (Map.Entry<Reason, List<MachineVerdict>> e : listed.entrySet()) {
      verdicts.addAll(e.getValue());
      omitted += counts.get(e.getKey()) - e.getValue().size();
    }
    List<String> unblockers = unblockers(task, index, ceiling, atCeiling, away, strategyFailure);
    if (!full.isEmpty()) {
      unblockers.add("runs when a task ends on " + full.stream().limit(3).map(m -> m.id().value())
          .collect(Collectors.joining(" or ")) + ", freeing a slot");
    }
    unblockers.addAll(policyUnblockers);
    if (!ownWork.isEmpty()) {
      unblockers.add(BusyWords.ownWorkRemedy(ownWork, task.priority()));
    }
    return new Explanation(summary, verdicts, omitted, unblockers);
  }

  private List<String> unblockers(Task task, LoadIndex index, double ceiling, List<MachineSlot> atCeiling,
      List<MachineSlot> away, String strategyFailure) {
    List<String> out = new ArrayList<>();
    if (!atCeiling.isEmpty()) {
      atCeiling.sort((a, b) -> Double.compare(a.placementLoad(), b.placementLoad()));
      String names = atCeiling.stream().limit(3).map(m -> m.id().value()).collect(Collectors.joining(" or "));
      out.add(String.format(Locale.ROOT, "runs when %s drops below load %.2f", names, ceiling));
    }
    for (MachineSlot m : away.subList(0, Math.min(3, away.size()))) {
      out.add(switch (m.health) {
        case DRAINING -> "runs when " + m.id() + " is undrained";
        case ASLEEP -> "runs when " + m.id() + " wakes";
        default -> "runs when " + m.id() + " comes back online";
      });
    }
    if (index.size() == 0) {
      out.add("runs when a machine with " + quoted(task.requires()) + " joins the fleet");
    }
    if (strategyFailure != null) {
      out.add("runs when strategy '" + strategy.name() + "' stops failing (see the log)");
    }
    return out;
  }

  /**
   * Why a background task is paused on its machine, and what resumes it or moves it, e.g. {@code "paused on
   * laptop, attempt 1: the owner of laptop is active since 14:02"} with {@code "resumes when the owner of laptop
   * has been away 10min or in its quiet hours 22:00-07:00"} and {@code "moves elsewhere if still paused at
   * 15:02"}.
   *
   * @param activeSinceMillis when the owner came back, wall clock
   * @param movesAtMillis when it moves anyway, wall clock; negative for never
   */
  Explanation paused(MachineSlot m, int attempt, long activeSinceMillis, long movesAtMillis) {
    List<String> unblockers = new ArrayList<>(2);
    unblockers.add("resumes when " + policies.ownerAwayCondition(m));
    if (movesAtMillis >= 0) {
      unblockers.add("moves elsewhere if still paused at " + PlacementPolicies.clock(m, movesAtMillis));
    }
    return new Explanation("paused on " + m.id() + ", attempt " + attempt + ": the owner of " + m.id()
        + " is active since " + PlacementPolicies.clock(m, activeSinceMillis),
        List.of(new MachineVerdict(m.id(), Reason.OWNER_ACTIVE, policies.detail(Reason.OWNER_ACTIVE, m))), 0,
        unblockers);
  }

  /** The machine's local time of day it fell asleep, HH:mm in its {@code timezone} label (UTC without one). */
  private static String clock(MachineSlot m) {
    return java.time.format.DateTimeFormatter.ofPattern("HH:mm").format(java.time.Instant
        .ofEpochMilli(m.asleepSinceMillis).atZone(PlacementPolicies.zone(m.machine.labels().get("timezone"))));
  }

  private String safeDecline(Task task, MachineSlot m) {
    try {
      return strategy.decline(task, m);
    } catch (RuntimeException e) {
      return "strategy '" + strategy.name() + "' failed: " + e;
    }
  }

  private static String firstMissing(Set<String> requires, Set<String> has) {
    for (String c : requires) {
      if (!has.contains(c)) {
        return c;
      }
    }
    throw new IllegalStateException("machine has every capability of " + requires + " but is not indexed");
  }

  private static void count(Map<Reason, Integer> counts, Map<Reason, List<MachineVerdict>> listed, Reason r,
      MachineVerdict v) {
    counts.merge(r, 1, Integer::sum);
    List<MachineVerdict> l = listed.computeIfAbsent(r, k -> new ArrayList<>());
    if (l.size() < LISTED_PER_REASON) {
      l.add(v);
    }
  }

  private static void addCount(List<String> parts, Map<Reason, Integer> counts, Reason r, String word) {
    Integer n = counts.get(r);
    if (n != null) {
      parts.add(n + " " + word);
    }
  }

  static String quoted(Set<String> caps) {
    return caps.isEmpty() ? "no requirements"
        : caps.stream().map(c -> "'" + c + "'").collect(Collectors.joining(" and "));
  }
}
