package dev.fleet.core.internal.capacity;

import dev.fleet.Fleet;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import java.time.InstantSource;

/**
 * Builds the fleet a {@link Replay} runs on: a real fleet on the replay's virtual clock, scheduler and transport,
 * with the live fleet's ceilings. Given by the engine, so this package never reaches back into it.
 *
 * <p>Called on the replaying thread; each call builds a new fleet that the caller closes.
 */
@FunctionalInterface
public interface ReplayFleets {
  /**
   * A new fleet that delivers events on the calling thread and never finds a machine silent.
   *
   * @param ticker the replay's virtual time
   * @param scheduler runs the fleet's sweeps on the replay's timeline
   * @param transport receives the fleet's assignments
   * @param wallClock the wall time matching {@code ticker}
   * @return the fleet, which the caller closes
   */
  Fleet build(Ticker ticker, Scheduler scheduler, Transport transport, InstantSource wallClock);
}
