package dev.fleet.testing.sim.cluster;

import dev.fleet.Fleet;
import dev.fleet.StaleAttemptException;
import dev.fleet.UnknownMachineException;
import dev.fleet.UnknownTaskException;
import dev.fleet.spi.JournalException;
import java.util.function.Function;

/**
 * How agents and the client reach the simulated coordinators: a call goes to one node, which is down or cut
 * off (no answer), follows (a redirect to the leader it knows, if any), or runs the call on its fleet; a caller
 * asks the node it last found leading, follows redirects, and passes over nodes that do not answer, as the
 * real agent's list of coordinator URLs does.
 *
 * <p>Not thread-safe: used on the simulation's one thread.
 */
final class Coordinators {
  /** How a call went. */
  enum Kind { OK, STALE, UNKNOWN_TASK, UNKNOWN_MACHINE, JOURNAL_FAILED, NOT_LEADER, UNREACHABLE }

  /** The answer to a call, from {@code node}'s fleet of {@code term} when there was one. */
  record Reply<T>(Kind kind, T value, int node, long term, int hint) {
    boolean ok() {
      return kind == Kind.OK;
    }
  }

  private final ClusterRun run;

  Coordinators(ClusterRun run) {
    this.run = run;
  }

  /** One call to one node. */
  <T> Reply<T> call(int node, boolean fromAgent, Function<Fleet, T> op) {
    ClusterRun.Node n = run.node(node);
    if (n.raft.crashed || n.raft.paused || (fromAgent && n.agentsCut())) {
      return new Reply<>(Kind.UNREACHABLE, null, node, 0, -1);
    }
    // The coordinator stops serving its fleet once its Raft member knows it lost the term (it closes the HTTP
    // coordinator first, on the role callback), after the run's step-down gap; until then the fleet answers.
    boolean stillServing = n.raft.leads() && n.raft.term == n.fleetTerm
        || run.now() - n.lostTermAt < run.stepDownGapNanos;
    if (n.fleet == null || !stillServing) {
      int hint = n.raft.leaderHint == node ? -1 : n.raft.leaderHint;
      return new Reply<>(Kind.NOT_LEADER, null, node, 0, hint);
    }
    long term = n.fleetTerm;
    try {
      return new Reply<>(Kind.OK, op.apply(n.fleet), node, term, -1);
    } catch (StaleAttemptException e) {
      return new Reply<>(Kind.STALE, null, node, term, -1);
    } catch (UnknownTaskException e) {
      return new Reply<>(Kind.UNKNOWN_TASK, null, node, term, -1);
    } catch (UnknownMachineException e) {
      return new Reply<>(Kind.UNKNOWN_MACHINE, null, node, term, -1);
    } catch (JournalException e) {
      run.journalFailures++;
      return new Reply<>(Kind.JOURNAL_FAILED, null, node, term, -1);
    }
  }

  /**
   * Asks the coordinators, starting with {@code guess[0]}, until one answers as leader; {@code guess[0]} is left
   * at the node that answered. At most three redirects in a row, and each node passed over once.
   */
  <T> Reply<T> ask(int[] guess, boolean fromAgent, Function<Fleet, T> op) {
    int node = guess[0];
    int hops = 0;
    Reply<T> last = null;
    for (int tries = 0; tries < 2 * run.nodeCount() + 3; tries++) {
      Reply<T> r = call(node, fromAgent, op);
      last = r;
      switch (r.kind()) {
        case OK, STALE, UNKNOWN_TASK, UNKNOWN_MACHINE -> {
          guess[0] = node;
          return r;
        }
        case NOT_LEADER -> {
          if (r.hint() >= 0 && hops < 3) {
            hops++;
            node = r.hint();
            continue;
          }
        }
        default -> { }
      }
      hops = 0;
      node = (node + 1) % run.nodeCount();
    }
    guess[0] = node;
    return last;
  }
}
