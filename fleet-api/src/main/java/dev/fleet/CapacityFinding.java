package dev.fleet;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One piece of capacity advice drawn from the fleet's history: a plain sentence ({@link #sentence()}) and the
 * numbers behind it as typed fields.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface CapacityFinding permits CapacityFinding.MissingCapability, CapacityFinding.Saturated,
    CapacityFinding.IdleMachine, CapacityFinding.PresenceWait {

  /**
   * The advice as one sentence a person reads.
   *
   * @return one line in English, with the numbers rounded for reading (the typed fields keep them exact)
   */
  String sentence();

  /**
   * Tasks waited for a capability that no registered machine had.
   *
   * @param capability the capability
   * @param tasks how many distinct tasks waited for it
   * @param waited how long they waited in all
   */
  record MissingCapability(String capability, long tasks, Duration waited) implements CapacityFinding {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param capability a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
     * @param tasks 1 or more
     * @param waited not negative
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public MissingCapability {
      Checks.name("capability", capability);
      if (tasks < 1) {
        throw new IllegalArgumentException("tasks waiting for '" + capability + "' must be >= 1, got " + tasks);
      }
      CapacitySpans.notNegative("waited", waited);
    }

    @Override
    public String sentence() {
      return tasks + (tasks == 1 ? " task" : " tasks") + " waited " + CapacitySpans.words(waited) + " for '"
          + capability + "': add a machine with '" + capability + "'";
    }
  }

  /**
   * The machines with a capability (or of a role) were at their ceiling (load ceiling or slots full) much of the
   * window.
   *
   * @param name the capability or role
   * @param role whether it names a role
   * @param ceilingShare the share of those machines' online time spent at or over the ceiling, in [0, 1]
   * @param p95Wait the 95th percentile of the wait of tasks needing it that finished in the window
   * @param window the window the share is of
   */
  record Saturated(String name, boolean role, double ceilingShare, Duration p95Wait, Duration window)
      implements CapacityFinding {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param name a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
     * @param role true for a role, false for a capability
     * @param ceilingShare in [0, 1]
     * @param p95Wait not negative
     * @param window not negative
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public Saturated {
      Checks.name("capability", name);
      CapacitySpans.share("ceilingShare of '" + name + "'", ceilingShare);
      CapacitySpans.notNegative("p95Wait", p95Wait);
      CapacitySpans.notNegative("window", window);
    }

    @Override
    public String sentence() {
      return (role ? "role '" + name + "'" : "'" + name + "'") + " machines were at the ceiling "
          + CapacitySpans.percent(ceilingShare) + " of the last " + CapacitySpans.words(window) + "; p95 wait "
          + CapacitySpans.words(p95Wait) + ": add a machine " + (role ? "of role '" + name + "'" : "with '" + name + "'");
    }
  }

  /**
   * A machine was idle most of the window.
   *
   * @param machine the machine
   * @param idleShare the share of its online time it ran nothing, in [0, 1]
   * @param fitsOn another machine with all its capabilities and its role that was rarely at the ceiling, if any
   */
  record IdleMachine(MachineId machine, double idleShare, Optional<MachineId> fitsOn) implements CapacityFinding {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param machine not null
     * @param idleShare in [0, 1]
     * @param fitsOn not null; empty if no other machine fits
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public IdleMachine {
      Objects.requireNonNull(machine, "machine");
      CapacitySpans.share("idleShare of " + machine, idleShare);
      Objects.requireNonNull(fitsOn, "fitsOn must not be null (use Optional.empty())");
    }

    @Override
    public String sentence() {
      return machine + " was idle " + CapacitySpans.percent(idleShare) + " of the time; " + fitsOn
          .map(m -> "its work fits on " + m).orElse("no other machine has all its capabilities and its role");
    }
  }

  /**
   * Tasks that a machine could have run waited because of its power or its owner: on battery, owner active, or
   * asleep.
   *
   * @param machine the machine they waited for
   * @param reason {@link Reason#ON_BATTERY}, {@link Reason#OWNER_ACTIVE} or {@link Reason#ASLEEP}
   * @param waited how long work waited for it, in all
   */
  record PresenceWait(MachineId machine, Reason reason, Duration waited) implements CapacityFinding {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param machine not null
     * @param reason {@link Reason#ON_BATTERY}, {@link Reason#OWNER_ACTIVE} or {@link Reason#ASLEEP}
     * @param waited not negative
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public PresenceWait {
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(reason, "reason");
      if (reason != Reason.ON_BATTERY && reason != Reason.OWNER_ACTIVE && reason != Reason.ASLEEP) {
        throw new IllegalArgumentException("reason of a presence wait must be ON_BATTERY, OWNER_ACTIVE or ASLEEP, got "
            + reason);
      }
      CapacitySpans.notNegative("waited", waited);
    }

    @Override
    public String sentence() {
      String w = CapacitySpans.words(waited);
      return switch (reason) {
        case ON_BATTERY -> "heavy work waited " + w + " for " + machine + " to reach AC power";
        case OWNER_ACTIVE -> "background work waited " + w + " for the owner of " + machine + " to step away";
        default -> "work waited " + w + " for " + machine + " to wake";
      };
    }
  }
}
