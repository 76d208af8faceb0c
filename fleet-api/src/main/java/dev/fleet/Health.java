package dev.fleet;

/**
 * Where a machine stands, as the heartbeat monitor sees it.
 *
 * <p>The state machine:
 *
 * <pre>
 *   register ──▶ ONLINE ──(silent ≥ suspectAfter)──▶ SUSPECT ──(silent ≥ offlineAfter)──▶ OFFLINE
 *                  ▲  ▲                                  │                                   │
 *                  │  └──────────── heartbeat ───────────┘◀──────────── heartbeat ───────────┘
 *                  │
 *   drain ──▶ DRAINING ──undrain──▶ ONLINE (SUSPECT if it went quiet meanwhile; silent long enough, OFFLINE)
 *   announced suspend ──▶ ASLEEP ──heartbeat──▶ ONLINE
 *   announced leave ──▶ OFFLINE at once, its work moves ──heartbeat──▶ ONLINE
 *   deregister ──▶ LEFT (final; the id may register again as a new machine)
 *   coordinator restarted from its journal ──▶ UNKNOWN ──heartbeat──▶ ONLINE (silent past the grace, OFFLINE)
 * </pre>
 *
 * Only an {@link #ONLINE} machine receives new work. A DRAINING machine keeps heartbeating and
 * finishes what it runs. Every transition is published as a {@link FleetEvent.HealthChanged}.
 */
public enum Health {
  /** Heartbeating on time; receives work. */
  ONLINE,
  /** Silent for longer than expected; receives no new work until it is heard from again. */
  SUSPECT,
  /** Silent for so long that it is taken to be down. */
  OFFLINE,
  /** Announced that it is going to sleep: not dead, its work is not failed over at once. */
  ASLEEP,
  /** Takes no new work; what it runs finishes. */
  DRAINING,
  /** Deregistered. */
  LEFT,
  /**
   * Not heard from since the fleet restarted from its journal: not taken to be down (its work stays put)
   * and given no new work until it heartbeats, or goes offline if it stays silent past the recovery grace.
   */
  UNKNOWN;

  /**
   * Whether a machine in this state may be given new work.
   *
   * @return true only for {@link #ONLINE}
   */
  public boolean acceptsWork() {
    return this == ONLINE;
  }

  /**
   * The lower-case word used in files and explanations, e.g. {@code online}.
   *
   * @return the constant's name in lower case
   */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
