package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Priority;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.Weight;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eight threads hammer one fleet of 200 machines on the real clock (with timeouts long enough that
 * nobody goes offline): submissions, heartbeats, starts, results with current and stale tokens,
 * cancellations and capability changes, registrations and departures. Afterwards the fleet must
 * account for every task exactly once, and every dispatch must have gone to a machine that had the
 * capabilities at that moment.
 */
class ConcurrencyStressTest {
  private static final int THREADS = 8;
  private static final int MACHINES = 200;
  /** Machines 0..99 never leave, so every thread may heartbeat them; the rest come and go with their owner. */
  private static final int STABLE = 100;
  private static final int HOT = 8;
  /**
   * Per thread; about 3 s in all on two cores. Raise it for a soak run, e.g. {@code -Dfleet.stress.ops=12000}
   * (about 50 s on two busy cores, close to the timeout).
   */
  private static final int OPS_PER_THREAD = Integer.getInteger("fleet.stress.ops", 1_200);
  private static final List<String> CAPS = List.of("gpu", "cpu", "ssd", "net", "arm");
  private static final String RARE = "tpu";

  /** One registration of a machine, or its absence, and the call that made it current. */
  record Version(long calledNanos, long returnedNanos, Set<String> caps) {}

  /** A decision some thread received for a new task, and when it asked. */
  record Placed(Task task, MachineId machine, long calledNanos, long returnedNanos) {}

  static final class TaskLog {
    final Task task;
    final AtomicInteger acceptedResults = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    TaskLog(Task task) {
      this.task = task;
    }
  }

  private final ExecutorService eventThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "stress-events"));
  private final List<FleetEvent> events = new ArrayList<>(); // touched only on eventThread until it is drained
  private final Fleet fleet = Fleets.newBuilder()
      .ticker(Ticker.system()) // System.nanoTime, like the times recorded here around each call
      .eventExecutor(eventThread)
      // No background sweep: the end-of-run checks read several snapshots in turn, and a sweep releasing a
      // delayed retry between them would make a consistent fleet look inconsistent.
      .scheduler((command, delay) -> () -> {})
      .heartbeatInterval(Duration.ofMinutes(10))
      .suspectAfter(Duration.ofHours(1))
      .offlineAfter(Duration.ofHours(2))
      .listener(events::add)
      .build();

  private final Map<MachineId, List<Version>> history = new HashMap<>(); // each list written by its owner only
  private final AtomicLongArray sequence = new AtomicLongArray(MACHINES); // heartbeat sequence per machine
  private final boolean[] registered = new boolean[MACHINES];           // owner only
  private final ConcurrentHashMap<TaskId, TaskLog> logs = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Task> submitted = new AtomicReferenceArray<>(THREADS * OPS_PER_THREAD);
  private final AtomicInteger submittedCount = new AtomicInteger();
  private final ConcurrentLinkedQueue<Placed> placed = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
  private final AtomicInteger staleRefused = new AtomicInteger();

  @AfterEach
  void close() {
    fleet.close();
    eventThread.shutdownNow();
  }

  @Test
  @Timeout(60)
  void eightThreadsLoseNoTaskCountNoLoadTwiceAndDispatchOnlyToMachinesWithTheCapabilities() throws Exception {
    Random setup = new Random(42);
    for (int i = 0; i < MACHINES; i++) {
      Set<String> caps = randomCaps(setup);
      long before = System.nanoTime();
      fleet.registry().register(machine(i, caps), Health.ONLINE, setup.nextInt(5) / 10.0);
      history.put(id(i), new ArrayList<>(List.of(new Version(before, System.nanoTime(), caps))));
      registered[i] = true;
    }

    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int me = t;
      Thread thread = new Thread(() -> {
        try {
          go.await();
          work(me, new Random(1_000 + me));
        } catch (Throwable e) {
          unexpected.add(e);
        }
      }, "stress-" + t);
      threads.add(thread);
      thread.start();
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(45));
      assertTrue(!thread.isAlive(), thread.getName() + " did not finish");
    }
    drainEvents();
    if (!unexpected.isEmpty()) {
      AssertionError e = new AssertionError(unexpected.size() + " unexpected exceptions; the first is attached");
      e.initCause(unexpected.peek());
      throw e;
    }
    assertTrue(submittedCount.get() > THREADS * OPS_PER_THREAD / 10, "too few submissions to mean anything");
    assertTrue(staleRefused.get() > 0, "no stale token was ever tried");

    checkEveryTaskIsInExactlyOnePlace();
    checkEventsPerTask();
    checkDispatchesWentToMachinesWithTheCapabilities();
    quiesceAndCheckNoLoadIsLeftBehind();
  }

  // ------------------------------------------------------------------ the workers

  private void work(int me, Random rnd) {
    List<Integer> mine = new ArrayList<>();
    for (int i = me; i < MACHINES; i += THREADS) {
      mine.add(i);
    }
    ArrayDeque<Task> recent = new ArrayDeque<>();
    int n = 0;
    for (int op = 0; op < OPS_PER_THREAD; op++) {
      int dice = rnd.nextInt(100);
      if (dice < 20) {
        recent.addFirst(submit(me, n++, rnd));
        if (recent.size() > 32) {
          recent.removeLast();
        }
      } else if (dice < 40) {
        if (rnd.nextBoolean()) {
          // A few hot machines, heartbeated by every thread with low loads so they also draw most of the
          // work: heartbeats race with dispatches, starts and results on the same machine (and may
          // overtake each other, which the sequence number settles).
          int m = rnd.nextInt(HOT);
          fleet.monitor().heartbeat(Heartbeat.of(id(m), sequence.incrementAndGet(m), rnd.nextInt(3) / 10.0));
        } else {
          int m = mine.get(rnd.nextInt(mine.size()));
          if (m < STABLE || registered[m]) {
            fleet.monitor().heartbeat(Heartbeat.of(id(m), sequence.incrementAndGet(m), rnd.nextInt(10) / 10.0));
          }
        }
      } else if (dice < 52) {
        Task task = anyTask(rnd, recent);
        if (task != null) {
          Decision d = fleet.dispatcher().submit(task); // how an agent learns its current token
          if (d instanceof Decision.Dispatched x) {
            refusable(() -> fleet.dispatcher().started(task.id(), x.token()));
          }
        }
      } else if (dice < 77) {
        complete(rnd, recent);
      } else if (dice < 85) {
        Task task = anyTask(rnd, recent);
        if (task != null && fleet.dispatcher().cancel(task.id())) {
          logs.get(task.id()).cancelled.incrementAndGet();
        }
      } else if (dice < 86) {
        try {
          fleet.dispatcher().cancel(TaskId.of("unknown-" + me + "-" + op));
          fail("cancelling an unknown task must throw");
        } catch (UnknownTaskException expected) {
          // documented
        }
      } else if (dice < 97) {
        int m = mine.get(rnd.nextInt(mine.size()));
        if (registered[m]) {
          Set<String> caps = randomCaps(rnd);
          long before = System.nanoTime();
          fleet.registry().update(machine(m, caps));
          history.get(id(m)).add(new Version(before, System.nanoTime(), caps));
        }
      } else {
        int m = mine.get(rnd.nextInt(mine.size()));
        if (m < STABLE) {
          continue;
        }
        long before = System.nanoTime();
        if (registered[m]) {
          assertTrue(fleet.registry().deregister(id(m)));
          history.get(id(m)).add(new Version(before, System.nanoTime(), null));
          registered[m] = false;
        } else {
          Set<String> caps = randomCaps(rnd);
          fleet.registry().register(machine(m, caps));
          history.get(id(m)).add(new Version(before, System.nanoTime(), caps));
          registered[m] = true;
          sequence.set(m, 0);
        }
      }
    }
  }

  private Task submit(int me, int n, Random rnd) {
    List<String> caps = new ArrayList<>(CAPS);
    Collections.shuffle(caps, rnd);
    List<String> requires = new ArrayList<>(caps.subList(0, rnd.nextInt(3)));
    if (rnd.nextInt(20) == 0) {
      requires.add(RARE); // few machines have it: such tasks wait, and run when one frees up or joins
    }
    Task task = Task.newBuilder("t" + me + "-" + n)
        // Retry at once when a machine leaves: the end-of-run check expects no task to be waiting out a delay.
        .reschedule(dev.fleet.ReschedulePolicy.constant(Duration.ZERO))
        .requires(requires)
        .priority(Priority.values()[rnd.nextInt(Priority.values().length)])
        .weight(Weight.values()[rnd.nextInt(Weight.values().length)])
        .build();
    logs.put(task.id(), new TaskLog(task));
    long before = System.nanoTime();
    Decision d = fleet.dispatcher().submit(task);
    long after = System.nanoTime();
    if (d instanceof Decision.Dispatched x) {
      assertEquals(1, x.attempt());
      assertTrue(x.token() != 0 && x.load() < x.ceiling(), x::toString);
      placed.add(new Placed(task, x.machine(), before, after));
    }
    submitted.set(submittedCount.getAndIncrement(), task);
    return task;
  }

  private void complete(Random rnd, Deque<Task> recent) {
    Task task = anyTask(rnd, recent);
    if (task == null) {
      return;
    }
    Decision d = fleet.dispatcher().submit(task);
    if (!(d instanceof Decision.Dispatched x)) {
      return;
    }
    TaskResult result = rnd.nextBoolean() ? TaskResult.success() : TaskResult.failure("no");
    if (rnd.nextInt(6) == 0) {
      try {
        fleet.dispatcher().complete(task.id(), x.token() ^ 0x9E3779B97F4A7C15L, result);
        fail("a forged token was accepted for " + task.id());
      } catch (StaleAttemptException expected) {
        staleRefused.incrementAndGet();
      }
      return;
    }
    refusable(() -> {
      fleet.dispatcher().complete(task.id(), x.token(), result);
      logs.get(task.id()).acceptedResults.incrementAndGet();
    });
  }

  /** Runs a call that another thread may have made stale meanwhile; that refusal is documented. */
  private void refusable(Runnable call) {
    try {
      call.run();
    } catch (StaleAttemptException raced) {
      staleRefused.incrementAndGet();
    }
  }

  /** Mostly one of this thread's recent tasks; now and then anyone's, so threads race on the same task. */
  private Task anyTask(Random rnd, Deque<Task> recent) {
    if (!recent.isEmpty() && rnd.nextInt(4) != 0) {
      int skip = rnd.nextInt(recent.size());
      for (Task t : recent) {
        if (skip-- == 0) {
          return t;
        }
      }
    }
    int n = submittedCount.get();
    for (int tries = 0; tries < 3 && n > 0; tries++) {
      Task t = submitted.get(rnd.nextInt(n));
      if (t != null) { // claimed but not yet published
        return t;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the checks

  private void checkEveryTaskIsInExactlyOnePlace() {
    List<MachineStatus> machines = fleet.registry().list();
    Map<MachineId, Integer> live = new HashMap<>();
    Set<TaskId> waiting = new HashSet<>();
    for (TaskLog log : logs.values()) {
      TaskStatus st = fleet.dispatcher().status(log.task.id()).orElseThrow(() -> new AssertionError("lost " + log.task.id()));
      int accepted = log.acceptedResults.get();
      int cancelled = log.cancelled.get();
      assertTrue(accepted <= 1, () -> log.task.id() + " has " + accepted + " accepted results");
      assertTrue(accepted + cancelled <= 1, () -> log.task.id() + " was both finished and cancelled");
      switch (st.state()) {
        case QUEUED -> assertTrue(waiting.add(log.task.id()));
        case DISPATCHED, RUNNING -> live.merge(st.machine().orElseThrow(), 1, Integer::sum);
        case SUCCEEDED -> {
          assertEquals(1, accepted, () -> st.toString());
          assertTrue(st.result().orElseThrow().succeeded());
        }
        case FAILED -> assertTrue(accepted == 1 || (st.result().isEmpty() && st.attempt() == log.task.maxAttempts()),
            () -> "failed without an accepted result or a dead letter: " + st);
        case CANCELLED -> assertEquals(1, cancelled, () -> st.toString());
        case REJECTED -> fail("nothing should be rejected: " + st);
      }
      if (accepted == 1) {
        assertTrue(st.state() == TaskState.SUCCEEDED || st.state() == TaskState.FAILED, st::toString);
      }
      assertTrue(st.attempt() <= log.task.maxAttempts(), st::toString);
    }
    List<TaskId> queue = fleet.dispatcher().queue().stream().map(TaskStatus::id).toList();
    assertEquals(queue.size(), new HashSet<>(queue).size(), "a task is queued twice");
    assertEquals(waiting, new HashSet<>(queue), "queue() vs tasks in state QUEUED");
    int sum = 0;
    Set<MachineId> ids = new HashSet<>();
    for (MachineStatus m : machines) {
      ids.add(m.id());
      sum += m.activeTasks();
      assertEquals(live.getOrDefault(m.id(), 0), m.activeTasks(), () -> "activeTasks of " + m.id());
    }
    assertTrue(ids.containsAll(live.keySet()), "a live task is on a machine that is not registered");
    assertEquals(live.values().stream().mapToInt(Integer::intValue).sum(), sum);
  }

  private void checkEventsPerTask() {
    Map<TaskId, List<FleetEvent.TaskChanged>> byTask = new HashMap<>();
    for (FleetEvent e : events) {
      if (e instanceof FleetEvent.TaskChanged c) {
        byTask.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(c);
      }
    }
    for (TaskLog log : logs.values()) {
      List<FleetEvent.TaskChanged> chain = byTask.getOrDefault(log.task.id(), List.of());
      assertTrue(!chain.isEmpty(), () -> "no event for " + log.task.id());
      TaskState at = TaskState.QUEUED;
      int attempt = 0;
      for (FleetEvent.TaskChanged c : chain) {
        TaskState from = at;
        assertEquals(from, c.from(), () -> "events of " + log.task.id() + " out of order: " + chain);
        if (c.to() == TaskState.DISPATCHED) {
          int previous = attempt;
          assertTrue(c.attempt() > previous, () -> "attempts of " + log.task.id() + " did not rise: " + chain);
          attempt = c.attempt();
        }
        at = c.to();
      }
      TaskState last = at;
      assertEquals(last, fleet.dispatcher().status(log.task.id()).orElseThrow().state(),
          () -> "last event vs status of " + log.task.id());
    }
  }

  private void checkDispatchesWentToMachinesWithTheCapabilities() {
    int checked = 0;
    for (Placed p : placed) {
      assertHadCapabilities(p.task(), p.machine(), p.calledNanos(), p.returnedNanos());
      checked++;
    }
    for (FleetEvent e : events) {
      if (e instanceof FleetEvent.TaskChanged c && c.to() == TaskState.DISPATCHED) {
        assertHadCapabilities(logs.get(c.task()).task, c.machine().orElseThrow(), c.atNanos(), c.atNanos());
        checked++;
      }
    }
    assertTrue(checked > 500, "only " + checked + " dispatches checked");
  }

  /** Some registration of the machine that may have been current within [from, to] had the capabilities. */
  private void assertHadCapabilities(Task task, MachineId machine, long from, long to) {
    List<Version> versions = history.get(machine);
    for (int i = 0; i < versions.size(); i++) {
      Version v = versions.get(i);
      boolean startedBefore = v.calledNanos() <= to;
      boolean endedAfter = i + 1 == versions.size() || versions.get(i + 1).returnedNanos() >= from;
      if (startedBefore && endedAfter && v.caps() != null && v.caps().containsAll(task.requires())) {
        return;
      }
    }
    List<Version> around = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      boolean after = i + 1 == versions.size() || versions.get(i + 1).returnedNanos() >= from;
      if (after && (i == 0 || versions.get(i - 1).calledNanos() <= to)) {
        around.add(versions.get(i));
      }
    }
    fail(task.id() + " needing " + task.requires() + " went to " + machine + " within [" + from + ", " + to
        + "] but none of its registrations then had that: " + around);
  }

  /**
   * Starts and finishes everything, heartbeating each machine after its work started: every
   * reservation must be gone, and whatever still waits must need capabilities no machine has.
   */
  private void quiesceAndCheckNoLoadIsLeftBehind() throws Exception {
    for (int round = 0; round < 50; round++) {
      drainEvents();
      Map<TaskId, FleetEvent.TaskChanged> last = lastEventPerTask();
      List<Task> live = new ArrayList<>();
      for (FleetEvent.TaskChanged c : last.values()) {
        if (c.to() == TaskState.DISPATCHED || c.to() == TaskState.RUNNING) {
          live.add(logs.get(c.task()).task);
        }
      }
      for (Task task : live) {
        Decision.Dispatched x = (Decision.Dispatched) fleet.dispatcher().submit(task);
        fleet.dispatcher().started(task.id(), x.token());
      }
      for (MachineStatus m : fleet.registry().list()) {
        int i = Integer.parseInt(m.id().value().substring(1));
        fleet.monitor().heartbeat(Heartbeat.of(m.id(), sequence.incrementAndGet(i), 0.0));
      }
      // Started work is now part of the reported load (0); only what the heartbeats let in is reserved.
      drainEvents();
      Map<MachineId, Double> reserved = new HashMap<>();
      for (FleetEvent.TaskChanged c : lastEventPerTask().values()) {
        if (c.to() == TaskState.DISPATCHED) {
          reserved.merge(c.machine().orElseThrow(), 0.1 * logs.get(c.task()).task.weight().factor(), Double::sum);
        }
      }
      for (MachineStatus m : fleet.registry().list()) {
        double expected = reserved.getOrDefault(m.id(), 0.0);
        assertEquals(expected, m.effectiveLoad(), 1e-9, () -> m.id() + " carries reservations of started work: " + m);
      }
      if (live.isEmpty()) {
        break;
      }
      for (Task task : live) {
        Decision.Dispatched x = (Decision.Dispatched) fleet.dispatcher().submit(task);
        fleet.dispatcher().complete(task.id(), x.token(), TaskResult.success());
        logs.get(task.id()).acceptedResults.incrementAndGet();
      }
    }
    drainEvents();
    List<MachineStatus> idle = fleet.registry().list();
    for (MachineStatus m : idle) {
      assertEquals(0, m.activeTasks(), () -> m.id() + " still counts tasks: " + m);
      assertEquals(0.0, m.effectiveLoad(), () -> m.id() + " still carries load: " + m);
    }
    for (TaskStatus waiting : fleet.dispatcher().queue()) {
      assertTrue(idle.stream().noneMatch(m -> m.machine().capabilities().containsAll(waiting.task().requires())),
          () -> waiting.id() + " waits on an idle fleet that can run it: " + waiting.why().render());
    }
    checkEveryTaskIsInExactlyOnePlace();
    checkEventsPerTask();
  }

  private Map<TaskId, FleetEvent.TaskChanged> lastEventPerTask() {
    Map<TaskId, FleetEvent.TaskChanged> last = new HashMap<>();
    for (FleetEvent e : events) {
      if (e instanceof FleetEvent.TaskChanged c) {
        last.put(c.task(), c);
      }
    }
    return last;
  }

  private void drainEvents() throws Exception {
    // Every flush so far either delivered its events or left a drain queued before this no-op.
    eventThread.submit(() -> {}).get(30, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ helpers

  private static Set<String> randomCaps(Random rnd) {
    Set<String> caps = new LinkedHashSet<>();
    int n = 1 + rnd.nextInt(4);
    while (caps.size() < n) {
      caps.add(CAPS.get(rnd.nextInt(CAPS.size())));
    }
    if (rnd.nextInt(25) == 0) {
      caps.add(RARE);
    }
    return caps;
  }

  private static MachineId id(int i) {
    return MachineId.of("m" + i);
  }

  private static Machine machine(int i, Set<String> caps) {
    return new Machine(id(i), "m" + i + ".local", "worker", caps, dev.fleet.Specs.NONE, Map.of());
  }
}
