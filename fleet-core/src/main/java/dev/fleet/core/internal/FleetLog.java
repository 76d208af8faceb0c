package dev.fleet.core.internal;

import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.Machine;
import java.lang.System.Logger.Level;

/**
 * The fleet's log at INFO of what an operator looks for afterwards, one plain sentence with ids per record:
 * a machine joined, re-registered or left, its health changed (with the reason), work failed over off a
 * machine, a task failed for good or was dead-lettered.
 *
 * <p>A record is worded under the fleet's lock, where the change happens, and written by the {@link EventBus}
 * after the lock is released, in the order things happened and only once the change is on disk: the lock is
 * never held for a write to a log. Health changes reach it as the events the bus delivers to it. None of these
 * happen on the dispatch path; whether INFO is on is read once, when the fleet is built. Thread-safe.
 */
final class FleetLog implements FleetListener {
  /** The logger's name; {@link System#getLogger} routes it to java.util.logging unless told otherwise. */
  static final String NAME = FleetLog.class.getName();
  private static final System.Logger LOG = System.getLogger(NAME);

  private final EventBus events;
  private final boolean on;

  /** A log that writes through {@code events}, which it observes for health changes while INFO is on. */
  FleetLog(EventBus events) {
    this.events = events;
    this.on = LOG.isLoggable(Level.INFO);
    if (on) {
      events.observe(this);
    }
  }

  /** A health change, delivered by the bus outside the lock: written at once. */
  @Override
  public void onEvent(FleetEvent event) {
    if (event instanceof FleetEvent.HealthChanged h) {
      LOG.log(Level.INFO, health(h));
    }
  }

  static String health(FleetEvent.HealthChanged h) {
    String m = "machine " + h.machine();
    if (h.from() == Health.LEFT && h.to() != Health.LEFT) {
      return "registered".equals(h.reason()) ? m + " joined the fleet (" + h.to().word() + ")"
          : m + " is back in the fleet (" + h.to().word() + "): " + h.reason();
    }
    if (h.to() == Health.LEFT) {
      return m + " left the fleet (was " + h.from().word() + "): " + h.reason();
    }
    return m + " is " + h.to().word() + " (was " + h.from().word() + "): " + h.reason();
  }

  /** A machine already in the fleet registered again, e.g. its agent rejoined; under the lock. */
  void reregistered(Machine m) {
    if (on) {
      write("machine " + m.id() + " re-registered: role '" + m.role() + "', capabilities " + m.capabilities()
          + (m.slots().isEmpty() ? ", no slots declared" : m.slots().getAsInt() == 1 ? ", 1 slot"
              : ", " + m.slots().getAsInt() + " slots"));
    }
  }

  /** An attempt moves off a machine that is gone (offline, left, restarted, past its drain); under the lock. */
  void failedOver(TaskRecord rec, String reason) {
    if (on) {
      write("task " + rec.task.id() + " failed over off " + rec.machine.id() + " (attempt " + rec.attempt + "): "
          + reason);
    }
  }

  /** A task ended for good without success: failed or dead-lettered; its explanation says how. Under the lock. */
  void endedBadly(TaskRecord rec) {
    if (on) {
      write("task " + rec.task.id() + " " + rec.why.summary());
    }
  }

  private void write(String message) {
    events.post(() -> LOG.log(Level.INFO, message));
  }
}
