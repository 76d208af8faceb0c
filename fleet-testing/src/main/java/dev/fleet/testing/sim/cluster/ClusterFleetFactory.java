package dev.fleet.testing.sim.cluster;

import dev.fleet.Fleet;
import dev.fleet.spi.Journal;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import java.util.concurrent.Executor;

/**
 * Builds the fleet a simulated coordinator runs while it leads, over that node's replicated journal, for
 * example {@code (t, s, tr, ex, j) -> Fleets.newBuilder().ticker(t).scheduler(s).transport(tr)
 * .eventExecutor(ex).journal(j).heartbeatInterval(interval).build()}. Building it opens the journal, which
 * replays what the cluster committed. The fleet must use all five, and its heartbeat interval should match the
 * simulator's.
 *
 * <p>Called each time a node becomes leader, on the thread that runs the simulation.
 */
@FunctionalInterface
public interface ClusterFleetFactory {

  /**
   * Builds the fleet of a node that has just become leader.
   *
   * @param ticker virtual time
   * @param scheduler runs commands on virtual time, held while the node is paused and dropped once it crashed
   * @param transport hands assignments to the simulated agents, recording which node delivered them in which term
   * @param events delivers events on the calling thread ({@code Runnable::run})
   * @param journal the node's replicated journal, opened by the build
   * @return a fleet built on all five; the simulator closes it when the node stops leading
   */
  Fleet create(Ticker ticker, Scheduler scheduler, Transport transport, Executor events, Journal journal);
}
