package dev.fleet.core.internal;

import dev.fleet.Weight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a fleet's live configuration as one page of plain sentences, so the rules a person reads
 * are the rules that run.
 *
 * <p>Stateless and thread-safe.
 */
final class RulesPage {
  private RulesPage() {}

  static String render(FleetConfig c) {
    FleetConfig.Placement p = c.placement();
    FleetConfig.Heartbeats h = c.heartbeats();
    FleetConfig.Owners o = c.owners();
    FleetConfig.Limits l = c.limits();
    List<String> rules = new ArrayList<>();
    rules.add(String.format(Locale.ROOT,
        "A task goes to a machine that is online, has every capability the task requires, and whose load is"
            + " below %.2f (urgent tasks: below %.2f).", p.loadCeiling(), p.urgentLoadCeiling()));
    rules.add("Among those, " + p.strategy().describe() + ".");
    rules.add("If no machine fits, the task waits in the queue with the reason for each machine, and is"
        + " dispatched as soon as a registration, heartbeat, completion or cancellation could let it fit:"
        + " highest priority first (urgent, high, normal, low, background), first come first served within"
        + " a priority.");
    rules.add(String.format(Locale.ROOT,
        "A dispatched task counts as load %.2f against its machine (light %.2f, heavy %.2f) until a heartbeat"
            + " sent after it started reports it, so a burst of tasks spreads over the fleet. A machine that"
            + " declares slots (label slots=N) never has more than N attempts in flight, and a task there counts"
            + " as its share of them instead (1/N, times its weight).",
        p.loadPerTask(), p.loadPerTask() * Weight.LIGHT.factor(), p.loadPerTask() * Weight.HEAVY.factor()));
    rules.add("Machines heartbeat every " + time(h.interval()) + "; " + h.detector().describe()
        + ". A heartbeat brings it back online.");
    rules.add("A machine that goes offline or leaves has its unfinished tasks moved: each goes back to the queue"
        + " as a new attempt after its retry delay (by default 1s, then 2s, 4s, ... up to 1min), preferring"
        + " another machine; a task that has lost its machine as many times as its attempts allow (3 by"
        + " default) is dead-lettered with its history.");
    rules.add("A machine that announces it is going to sleep, or a laptop (label form=laptop) that falls silent"
        + " on battery or after its owner was idle for " + time(h.sleepHint()) + ", is asleep, not failed: it"
        + " takes no new work and its tasks wait for it for their asleep grace (5min by default) before they"
        + " move.");
    rules.add("A drained machine takes no new work and finishes what it runs; with a deadline, what is still"
        + " running then is moved. A machine drained for shutdown takes work again when it comes back.");
    rules.add("A task that prefers a role goes to a machine of that role; while none of them has been back"
        + " online for " + time(p.failbackAfter()) + ", to a machine they name as their backup; failing that, to"
        + " any machine that fits.");
    rules.add("Heavy work avoids a machine on battery, or charging below " + o.batteryResumeAt() + "% after its"
        + " charge fell under " + o.batteryStopBelow() + "% (so it does not flap at the threshold), and a machine"
        + " throttling for heat; a throttling machine also counts as less capacity: its load is divided by its clock ratio (0.40 at 80% clock"
        + " counts as 0.50)."
        + " Heavy work goes to a thin client (role interface) only when nothing else can take it.");
    rules.add("Background work runs only on a machine whose owner has been away for " + time(o.ownerAway())
        + " or that is in its quiet hours (label quiet-hours, e.g. 22:00-07:00, in its label timezone);"
        + " when the owner returns, running background work is paused or moved per the task's policy: by default"
        + " it moves elsewhere; a task that pauses stays on the machine with the same attempt, its load no longer"
        + " counted, and resumes there when the owner has been away " + time(o.ownerAway()) + " again or quiet"
        + " hours begin, or moves anyway once paused longer than its limit ("
        + time(dev.fleet.OwnerReturnPolicy.DEFAULT_PAUSE_AT_MOST) + " by default).");
    rules.add((p.agingStep().isZero() ? "" : "Every " + time(p.agingStep()) + " a task waits moves it up one"
        + " priority level, so low and background work never starve. ")
        + (p.preemptionGap() == 0 ? "Preemption is off."
            : "An urgent task that fits nowhere may send work " + p.preemptionGap() + " or more priority levels"
                + " lower back to the queue to make room; both tasks say so."));
    rules.add("Every dispatch is an attempt with its own token; a result or start report with any other token is"
        + " refused, and exactly one result is accepted per task. A person may move a task to a named machine;"
        + " the move is explained on the task.");
    rules.add("A waiting task whose deadline passes is cancelled. The queue holds at most " + l.maxQueuedTasks()
        + " tasks; beyond that a submission is rejected. A resubmission with the same idempotency key within "
        + time(l.idempotencyWindow()) + " returns the first task. A task's payload may be at most "
        + bytes(l.payloads().maxPayloadBytes()) + ", and the payloads of unfinished tasks at most "
        + bytes(l.payloads().maxHeldBytes()) + " in all; beyond either a submission is refused.");
    rules.add(pruning(c));
    StringBuilder sb = new StringBuilder("Fleet rules (generated from the live configuration)\n");
    for (int i = 0; i < rules.size(); i++) {
      sb.append('\n').append(i + 1).append(". ").append(rules.get(i));
    }
    return sb.append('\n').toString();
  }

  /** What the sweep removes on its own, if anything. */
  private static String pruning(FleetConfig c) {
    FleetConfig.Pruning pr = c.pruning();
    boolean neverHeard = !pr.neverHeardAfter().isZero();
    boolean offline = !pr.offlineAfter().isZero();
    if (!neverHeard && !offline) {
      return "A machine stays registered until it is removed, however long it is silent.";
    }
    return "A machine is removed from the fleet (pruned), its work moved as for any removal, when "
        + (neverHeard ? "it sent no heartbeat within " + time(pr.neverHeardAfter()) + " of registering" : "")
        + (neverHeard && offline ? ", or " : "")
        + (offline ? "it has been offline or asleep and silent for " + time(pr.offlineAfter()) : "")
        + "; its agent joins afresh when it is back.";
  }

  static String time(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() == 0) {
      if (s % 3600 == 0 && s >= 3600) {
        return (s / 3600) + "h";
      }
      if (s % 60 == 0 && s >= 60) {
        return (s / 60) + "min";
      }
      return s + "s";
    }
    return String.format(Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }

  /** A byte count as people write it: 1 MiB, 256 MiB, 64 KiB, 1000 bytes. */
  static String bytes(long n) {
    if (n >= 1L << 30 && n % (1L << 30) == 0) {
      return (n >> 30) + " GiB";
    }
    if (n >= 1L << 20 && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1L << 10 && n % (1L << 10) == 0) {
      return (n >> 10) + " KiB";
    }
    return n + " bytes";
  }
}
