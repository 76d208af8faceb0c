package dev.fleet.testing.sim.cluster;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Transport;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One run of a {@link ClusterSimulator}: the Raft group and its network, the fleet each leader builds, the
 * agents and the client, the faults, and the record of what every fleet delivered and accepted.
 *
 * <p>Not thread-safe: everything happens on the thread that called {@link #execute()}, in the order of one
 * {@link ManualScheduler}.
 */
final class ClusterRun implements RaftGroup.Watcher {
  static final long START_NANOS = 1_000_000_000_000L;
  /** How long a node takes to notice a new role (the real coordinator checks every 50 ms). */
  private static final Duration NOTICE = Duration.ofMillis(50);
  private static final Duration LATENCY = Duration.ofMillis(2);
  private static final Duration SETTLE_STEP = Duration.ofSeconds(5);

  /** A coordinator: its Raft member and, while it leads, its fleet. */
  static final class Node {
    final RaftNode raft;
    Fleet fleet;
    long fleetTerm;
    /** When its Raft member last lost the term its fleet was opened in. */
    long lostTermAt = Long.MIN_VALUE / 2;
    /** How many isolations that cut the agents off too are in force: while any is, agents cannot reach it. */
    int agentCuts;
    /** What its fleet told agents while they could not reach it: they fetch it when they can again. */
    final List<Runnable> heldForAgents = new ArrayList<>();

    boolean agentsCut() {
      return agentCuts > 0;
    }

    Node(RaftNode raft) {
      this.raft = raft;
    }
  }

  /** What a task does when it runs, drawn at submission. */
  record Plan(long runNanos, boolean fails) {}

  private final ClusterSimulator sim;
  final FakeTicker ticker = new FakeTicker(START_NANOS);
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final long intervalNanos;
  final long stepDownGapNanos;
  final Coordinators coordinators = new Coordinators(this);
  private final SimNetwork network;
  private final RaftGroup group;
  private final Node[] nodes;
  private final ClusterAgent[] agents;
  private final SplittableRandom workload;
  private final int[] clientGuess = {0};

  private final Map<TaskId, Plan> plans = new LinkedHashMap<>();
  private final Map<TaskId, Task> pending = new LinkedHashMap<>();
  private final List<TaskId> acknowledged = new ArrayList<>();
  private final List<ClusterResult.Delivery> deliveries = new ArrayList<>();
  private final List<ClusterResult.Acceptance> acceptances = new ArrayList<>();
  /** Which machines run which attempt of each task, as the agents know it. */
  private final Map<TaskId, Map<MachineId, Integer>> runningOn = new HashMap<>();
  private final List<ClusterResult.Overlap> overlaps = new ArrayList<>();
  private final List<String> anomalies = new ArrayList<>();
  private final List<String> applied = new ArrayList<>();
  private final Map<String, Integer> stats = new TreeMap<>();
  int journalFailures;
  int staleReports;
  private int fleetsBuilt;
  private int takeoversFailed;
  private int submitted;
  private boolean arriving = true;

  ClusterRun(ClusterSimulator sim) {
    this.sim = sim;
    this.intervalNanos = sim.interval.toNanos();
    this.stepDownGapNanos = sim.stepDownGap.toNanos();
    SplittableRandom root = new SplittableRandom(sim.seed);
    this.workload = root.split();
    this.network = new SimNetwork(sim.nodes, scheduler, root.split(), sim.latency, sim.dropShare, sim.delayShare,
        sim.maxDelay);
    this.group = new RaftGroup(sim.nodes, scheduler, ticker, network, sim.electionTimeout, sim.raftHeartbeat,
        sim.flaws, this, root.split());
    this.nodes = new Node[sim.nodes];
    for (int i = 0; i < sim.nodes; i++) {
      nodes[i] = new Node(group.nodes[i]);
    }
    this.agents = new ClusterAgent[sim.machines];
    for (int i = 0; i < sim.machines; i++) {
      agents[i] = new ClusterAgent(i, MachineId.of("m" + i), this, root.split());
    }
  }

  Node node(int i) {
    return nodes[i];
  }

  int nodeCount() {
    return nodes.length;
  }

  long now() {
    return ticker.read();
  }

  Plan plan(TaskId task) {
    return plans.get(task);
  }

  void anomaly(String what) {
    anomalies.add(String.format(java.util.Locale.ROOT, "%.3fs: ", (now() - START_NANOS) / 1e9) + what);
  }

  ClusterResult execute() {
    try {
      for (RaftNode n : group.nodes) {
        n.start();
      }
      for (ClusterAgent a : agents) {
        a.start();
      }
      for (ClusterFault f : sim.faults) {
        if (f.at().compareTo(sim.duration) < 0) {
          scheduler.schedule(() -> apply(f), f.at());
        }
      }
      scheduleArrival();
      scheduleClientTick();
      scheduler.advance(sim.duration);
      long runEnd = now();
      arriving = false;
      settle();
      long settleBy = runEnd + sim.settleLimit.toNanos();
      while (!settled() && now() < settleBy) {
        scheduler.advance(Duration.ofNanos(Math.min(SETTLE_STEP.toNanos(), settleBy - now())));
      }
      return result();
    } finally {
      for (Node n : nodes) {
        closeFleet(n);
      }
    }
  }

  // ------------------------------------------------------------------ leadership

  @Override
  public void elected(RaftNode raft) {
    int life = raft.life;
    long term = raft.term;
    // The real coordinator notices its new role within its 50 ms check, then builds the fleet.
    scheduler.schedule(() -> raft.run(() -> takeOver(nodes[raft.id], term), life), NOTICE);
  }

  @Override
  public void deposed(RaftNode raft) {
    Node n = nodes[raft.id];
    n.lostTermAt = now();
    Fleet f = n.fleet;
    if (f != null) {
      int life = raft.life;
      scheduler.schedule(() -> raft.run(() -> {
        if (n.fleet == f) {
          closeFleet(n);
        }
      }, life), NOTICE.compareTo(sim.stepDownGap) >= 0 ? NOTICE : sim.stepDownGap);
    }
  }

  @Override
  public void crashed(RaftNode raft, boolean led) {
    closeFleet(nodes[raft.id]);
  }

  private void takeOver(Node n, long term) {
    RaftNode raft = n.raft;
    if (!raft.leads() || raft.term != term) {
      return;
    }
    closeFleet(n);
    NodeJournal journal = new NodeJournal(raft, group);
    raft.journal = journal;
    Fleet f;
    try {
      f = sim.factory.create(ticker, nodeScheduler(raft), transport(raft.id, term), Runnable::run, journal);
    } catch (JournalException e) {
      takeoversFailed++;
      return; // the node stepped down; a later election tries again
    }
    fleetsBuilt++;
    n.fleet = f;
    n.fleetTerm = term;
    // Machines join through the first leader; one whose registration never committed joins the next.
    for (ClusterAgent a : agents) {
      try {
        if (f.registry().get(a.id).isEmpty()) {
          f.registry().register(new Machine(a.id, a.id + ".sim", "worker", Set.of("cpu"), Specs.NONE, Map.of()));
        }
      } catch (JournalException e) {
        journalFailures++;
        return;
      }
    }
  }

  private void closeFleet(Node n) {
    Fleet f = n.fleet;
    n.fleet = null;
    if (f != null) {
      f.close();
    }
  }

  /** The fleet's scheduler: its commands wait while the node is paused, and are void once it crashed. */
  private Scheduler nodeScheduler(RaftNode raft) {
    int life = raft.life;
    return (command, delay) -> scheduler.schedule(() -> raft.run(command, life), delay);
  }

  /** What a leader's fleet tells the agents, recorded with the node and the term it was opened in. */
  private Transport transport(int node, long term) {
    return new Transport() {
      @Override
      public void deliver(Assignment a) {
        deliveries.add(new ClusterResult.Delivery(node, term, a.task().id(), a.attempt(), a.machine(), now()));
        toAgent(node, term, a.machine(), agent -> agent.receive(a));
      }

      @Override
      public void withdraw(Assignment a, String reason) {
        toAgent(node, term, a.machine(), agent -> agent.withdrawn(a));
      }
    };
  }

  /**
   * A message from the fleet of {@code term} on {@code node} to an agent: it arrives after the latency, or, while
   * the agents cannot reach the node, once they can again, if that fleet still serves then (as an agent fetching
   * its assignments from the coordinator would get them).
   */
  private void toAgent(int node, long term, MachineId machine, java.util.function.Consumer<ClusterAgent> message) {
    ClusterAgent agent = agentOf(machine);
    if (agent == null) {
      return;
    }
    Node n = nodes[node];
    Fleet f = n.fleet;
    Runnable send = () -> scheduler.schedule(() -> message.accept(agent), LATENCY);
    if (!n.agentsCut()) {
      send.run();
    } else {
      n.heldForAgents.add(() -> {
        if (n.fleet == f && n.fleetTerm == term) {
          send.run();
        }
      });
    }
  }

  /** The agents can reach {@code n} again: what its fleet told them meanwhile goes out. */
  private void agentsBack(Node n) {
    List<Runnable> held = new ArrayList<>(n.heldForAgents);
    n.heldForAgents.clear();
    held.forEach(Runnable::run);
  }

  private ClusterAgent agentOf(MachineId m) {
    for (ClusterAgent a : agents) {
      if (a.id.equals(m)) {
        return a;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ agents' reports

  void accepted(Coordinators.Reply<?> reply, Assignment a, TaskResult result) {
    acceptances.add(new ClusterResult.Acceptance(reply.node(), reply.term(), a.task().id(), a.attempt(), a.machine(),
        result.succeeded(), now()));
  }

  void startedRunning(ClusterAgent agent, Assignment a) {
    Map<MachineId, Integer> on = runningOn.computeIfAbsent(a.task().id(), k -> new LinkedHashMap<>());
    on.forEach((m, attempt) -> {
      if (!m.equals(agent.id)) {
        overlaps.add(new ClusterResult.Overlap(a.task().id(), agent.id, a.attempt(), m, attempt, now()));
      }
    });
    on.put(agent.id, a.attempt());
  }

  void stoppedRunning(ClusterAgent agent, Assignment a) {
    Map<MachineId, Integer> on = runningOn.get(a.task().id());
    if (on != null) {
      on.remove(agent.id);
    }
  }

  // ------------------------------------------------------------------ faults

  private void apply(ClusterFault f) {
    int target = f.node() == ClusterFault.LEADER ? leader() : f.node() == ClusterFault.FOLLOWER ? follower() : f.node();
    if (target < 0) {
      applied.add(f + ": no such node, nothing happened");
      return;
    }
    RaftNode raft = group.nodes[target];
    applied.add(f + ": n" + target + " in term " + raft.term + (raft.leads() ? " (leader)" : ""));
    switch (f.kind()) {
      case CRASH -> {
        raft.crash();
        scheduler.schedule(raft::restart, f.duration());
      }
      case PAUSE -> {
        raft.pause();
        scheduler.schedule(raft::resume, f.duration());
      }
      case ISOLATE -> {
        Node n = nodes[target];
        network.isolate(target);
        if (f.agentsToo()) {
          n.agentCuts++;
        }
        scheduler.schedule(() -> {
          network.rejoin(target);
          if (f.agentsToo() && n.agentCuts > 0 && --n.agentCuts == 0) {
            agentsBack(n);
          }
        }, f.duration());
      }
    }
  }

  /** The node that leads now, preferring the highest term; -1 if none. */
  private int leader() {
    int best = -1;
    for (Node n : nodes) {
      if (n.raft.leads() && (best < 0 || n.raft.term > nodes[best].raft.term)) {
        best = n.raft.id;
      }
    }
    return best;
  }

  /** The lowest-numbered running node that does not lead; -1 if none. */
  private int follower() {
    for (Node n : nodes) {
      if (!n.raft.leads() && !n.raft.crashed && !n.raft.paused) {
        return n.raft.id;
      }
    }
    return -1;
  }

  /** Faults stop: every node up, the network calm, nothing cut off. */
  private void settle() {
    network.calm();
    for (Node n : nodes) {
      n.agentCuts = 0;
      agentsBack(n);
      n.raft.resume();
      n.raft.restart();
    }
  }

  private boolean settled() {
    int l = leader();
    if (l < 0 || nodes[l].fleet == null || !pending.isEmpty()) {
      return false;
    }
    Fleet f = nodes[l].fleet;
    try {
      for (TaskId id : acknowledged) {
        Optional<TaskStatus> s = f.dispatcher().status(id);
        if (s.isEmpty() || !s.get().state().isFinal()) {
          return false;
        }
      }
    } catch (JournalException e) {
      return false; // its journal failed just now: it is stepping down
    }
    return true;
  }

  // ------------------------------------------------------------------ workload

  private void scheduleArrival() {
    if (sim.tasksPerMinute <= 0) {
      return;
    }
    double gap = -Math.log(1 - workload.nextDouble()) / sim.tasksPerMinute * 60e9;
    scheduler.schedule(this::arrive, Duration.ofNanos(Math.max(1, (long) gap)));
  }

  private void arrive() {
    if (!arriving) {
      return;
    }
    long runNanos = Duration.ofSeconds(2).toNanos() + (long) (workload.nextDouble() * Duration.ofSeconds(12).toNanos());
    boolean fails = workload.nextDouble() < 0.1;
    TaskId id = TaskId.of(String.format(java.util.Locale.ROOT, "t%05d", ++submitted));
    plans.put(id, new Plan(runNanos, fails));
    pending.put(id, Task.newBuilder(id.value()).requires("cpu").maxAttempts(5).build());
    submit(id);
    scheduleArrival();
  }

  /** The client sends the task to the leader it knows; it counts as acknowledged only if submit returned. */
  private void submit(TaskId id) {
    Task t = pending.get(id);
    Coordinators.Reply<Object> r = coordinators.ask(clientGuess, false, f -> f.dispatcher().submit(t));
    if (r.ok()) {
      pending.remove(id);
      acknowledged.add(id);
    }
  }

  /** Once a second, submissions that got no answer are sent again (the same task, so at most one is kept). */
  private void scheduleClientTick() {
    scheduler.schedule(() -> {
      for (TaskId id : List.copyOf(pending.keySet())) {
        submit(id);
      }
      scheduleClientTick();
    }, Duration.ofSeconds(1));
  }

  // ------------------------------------------------------------------ result

  private ClusterResult result() {
    int l = leader();
    Fleet f = l < 0 ? null : nodes[l].fleet;
    if (f == null || nodes[l].raft.journal.failure().isPresent()) {
      l = -1;
      f = null;
    }
    Map<TaskId, Optional<TaskStatus>> finals = new LinkedHashMap<>();
    for (TaskId id : acknowledged) {
      finals.put(id, f == null ? Optional.empty() : f.dispatcher().status(id));
    }
    stats.put("elections", group.elections);
    stats.put("leaders", group.leaders.size());
    stats.put("fleets built", fleetsBuilt);
    stats.put("takeovers failed", takeoversFailed);
    stats.put("journal failures", journalFailures);
    stats.put("log truncations", group.truncations);
    stats.put("messages lost", network.dropped);
    stats.put("messages late", network.delayed);
    stats.put("stale reports", staleReports);
    stats.put("submitted", submitted);
    stats.put("unacknowledged", pending.size());
    List<String> leaderships = group.leaders.stream().map(x -> String.format(java.util.Locale.ROOT,
        "n%d term %d at %.3fs", x.node(), x.term(), (x.atNanos() - START_NANOS) / 1e9)).toList();
    return new ClusterResult(sim.seed, sim.nodes, applied, acknowledged, l, l < 0 ? 0 : nodes[l].fleetTerm, finals,
        deliveries, acceptances, overlaps, anomalies, leaderships, stats, now());
  }
}
