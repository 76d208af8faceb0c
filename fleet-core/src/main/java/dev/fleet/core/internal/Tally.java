package dev.fleet.core.internal;

/**
 * Plain counts of what the fleet did since it was built, for metrics: each is one increment where the thing
 * already happens, so counting costs the hot path an add and nothing more. Attempts dispatched are not here: the
 * ledger's {@link TokenSource} counts them already, one token per attempt.
 *
 * <p>Guarded by the fleet's lock: written under it, and read under it by {@link StatsView} (a long written
 * outside a lock could be read torn).
 */
final class Tally {
  /** Heartbeats accepted (news from their machine); stale and duplicate ones are not counted. */
  long heartbeats;
  /** New submissions accepted that had to wait in the queue. */
  long queued;
  /** New submissions refused (queue full, past their deadline, ...). */
  long rejected;
  /** Attempts moved off a machine that was gone (offline, left, restarted, past its drain deadline). */
  long failovers;
  /** Tasks that lost their machine on every attempt they were allowed. */
  long deadLettered;
  /** Tasks that finished with a result, successful or not. */
  long completed;
}
