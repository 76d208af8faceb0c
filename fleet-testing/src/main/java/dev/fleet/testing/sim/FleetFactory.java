package dev.fleet.testing.sim;

import dev.fleet.Fleet;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import java.util.concurrent.Executor;

/**
 * Builds the fleet under simulation from the simulator's time, scheduler, transport and event executor, for
 * example {@code (t, s, tr, ex) -> Fleets.newBuilder().ticker(t).scheduler(s).transport(tr).eventExecutor(ex)
 * .heartbeatInterval(interval).build()}. The fleet must use all four, and its heartbeat interval should match
 * the simulator's.
 *
 * <p>Called once per run, on the thread that runs the simulation.
 */
@FunctionalInterface
public interface FleetFactory {

  /**
   * Builds the fleet under test for one run.
   *
   * @param ticker virtual time
   * @param scheduler runs commands on virtual time; the simulator's own events share it
   * @param transport hands assignments to the simulated agents
   * @param events delivers events on the calling thread ({@code Runnable::run})
   * @return a fleet built on all four; the simulator closes it at the end of the run
   */
  Fleet create(Ticker ticker, Scheduler scheduler, Transport transport, Executor events);
}
