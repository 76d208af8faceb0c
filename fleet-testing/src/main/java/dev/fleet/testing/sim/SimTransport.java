package dev.fleet.testing.sim;

import dev.fleet.Assignment;
import dev.fleet.MachineId;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Carries assignments and withdrawals from the fleet to the simulated agents over virtual time: each message
 * arrives one network latency later, in the order sent. While a machine is partitioned its messages wait here
 * (a withdrawal of an assignment still waiting simply removes it) and go out when the partition heals;
 * messages for a crashed agent are dropped.
 *
 * <p>Not thread-safe: called on the simulation's one thread, by the fleet's event executor.
 */
final class SimTransport implements Transport {
  private final SimRun run;
  private final Map<MachineId, SimAgent> agents = new HashMap<>();
  private final Map<MachineId, ArrayDeque<Message>> waiting = new HashMap<>();

  /** An assignment or a withdrawal on its way to an agent. */
  private record Message(Assignment assignment, boolean withdrawal) {}

  SimTransport(SimRun run) {
    this.run = run;
  }

  void connect(SimAgent agent) {
    agents.put(agent.id, agent);
    waiting.put(agent.id, new ArrayDeque<>());
  }

  @Override
  public void deliver(Assignment assignment) {
    SimAgent agent = agents.get(assignment.machine());
    if (agent == null || agent.crashed()) {
      run.undelivered++;
      return;
    }
    if (agent.partitioned()) {
      waiting.get(agent.id).add(new Message(assignment, false));
      return;
    }
    send(agent, new Message(assignment, false), run.latency);
  }

  @Override
  public void withdraw(Assignment assignment, String reason) {
    SimAgent agent = agents.get(assignment.machine());
    if (agent == null) {
      return;
    }
    ArrayDeque<Message> queue = waiting.get(agent.id);
    if (queue.removeIf(m -> !m.withdrawal && m.assignment.token() == assignment.token())) {
      return; // never delivered, so nothing to stop
    }
    if (agent.crashed()) {
      return;
    }
    if (agent.partitioned()) {
      queue.add(new Message(assignment, true));
      return;
    }
    send(agent, new Message(assignment, true), run.latency);
  }

  /** The machine's partition healed: what waited goes out, in order. */
  void healed(SimAgent agent) {
    ArrayDeque<Message> queue = waiting.get(agent.id);
    while (!queue.isEmpty()) {
      send(agent, queue.poll(), run.latency);
    }
  }

  private void send(SimAgent agent, Message m, Duration latency) {
    run.scheduler.schedule(() -> {
      if (m.withdrawal) {
        agent.withdrawn(m.assignment);
      } else {
        agent.receive(m.assignment);
      }
    }, latency);
  }
}
