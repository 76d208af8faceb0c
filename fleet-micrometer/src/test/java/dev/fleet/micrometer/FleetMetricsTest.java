package dev.fleet.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.core.Fleets;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ForwardingJournal;
import dev.fleet.testing.ManualScheduler;
import dev.fleet.testing.MemoryJournal;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FleetMetrics against a SimpleMeterRegistry, over a real journaled fleet on hand-driven time. */
class FleetMetricsTest {
  private static final Duration SYNC = Duration.ofMillis(3);
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  /** Each sync takes 3 ms of the fake ticker's time, so the sync timer has a known total. */
  private final ForwardingJournal journal = new ForwardingJournal(new MemoryJournal()) {
    @Override
    public void sync(long position) {
      ticker.advance(SYNC);
      super.sync(position);
    }
  };
  private final Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).eventExecutor(Runnable::run)
      .journal(journal).build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FleetMetrics metrics = new FleetMetrics(fleet, ticker, Tags.of("fleet", "home"));
  private long sequence;

  @AfterEach
  void close() {
    metrics.close();
    fleet.close();
  }

  private static Machine machine(String id, String role, String... capabilities) {
    return new Machine(MachineId.of(id), id + ".local", role, new LinkedHashSet<>(List.of(capabilities)),
        Specs.NONE, Map.of());
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private void beat(String id) {
    fleet.monitor().heartbeat(Heartbeat.of(MachineId.of(id), ++sequence, 0.1));
  }

  /** Past the snapshot's age, so the next read sees the fleet as it is now. */
  private void nextScrape() {
    ticker.advance(Duration.ofMillis(FleetMetrics.SNAPSHOT_MAX_AGE_NANOS / 1_000_000));
  }

  @Test
  void machinesByHealthAndRoleFollowTheRegistry() {
    fleet.registry().register(machine("m1", "inference", "gpu"));
    fleet.registry().register(machine("m2", "inference", "gpu"));
    metrics.bindTo(registry);
    fleet.registry().register(machine("w1", "cron", "alerts")); // a role that appears after binding
    nextScrape();
    assertEquals(2, gauge("fleet.machines", "health", "online", "role", "inference", "fleet", "home"));
    assertEquals(1, gauge("fleet.machines", "health", "online", "role", "cron"));
    assertEquals(0, gauge("fleet.machines", "health", "offline", "role", "inference"));

    fleet.registry().drain(MachineId.of("m2"));
    nextScrape();
    assertEquals(1, gauge("fleet.machines", "health", "online", "role", "inference"));
    assertEquals(1, gauge("fleet.machines", "health", "draining", "role", "inference"));

    fleet.registry().deregister(MachineId.of("w1"));
    metrics.refresh();
    assertNull(registry.find("fleet.machines").tags("role", "cron").gauge(), "a role that is gone loses its gauges");
  }

  @Test
  void decisionsQueueAndTimersFollowTheWork() {
    fleet.registry().register(machine("m1", "inference", "gpu"));
    metrics.bindTo(registry);
    Decision a = fleet.dispatcher().submit(Task.newBuilder("a").requires("gpu").build());
    fleet.dispatcher().submit(Task.newBuilder("v").requires("video", "gpu").build());
    fleet.dispatcher().submit(Task.newBuilder("any").priority(dev.fleet.Priority.LOW).build());
    nextScrape();
    assertEquals(2, counter("fleet.dispatch.decisions", "outcome", "dispatched")); // a, and any on m1
    assertEquals(1, counter("fleet.dispatch.decisions", "outcome", "queued"));
    assertEquals(0, counter("fleet.dispatch.decisions", "outcome", "rejected"));
    metrics.refresh();
    assertEquals(1, gauge("fleet.queue.tasks", "priority", "normal", "capabilities", "gpu,video"));

    long token = ((Decision.Dispatched) a).token();
    fleet.dispatcher().started(TaskId.of("a"), token);
    ticker.advance(Duration.ofSeconds(5));
    fleet.dispatcher().complete(TaskId.of("a"), token, TaskResult.success());
    Timer run = registry.get("fleet.task.run").timer();
    assertEquals(1, run.count());
    // From the start (whose own journal sync then took 3 ms of fake time) to the result.
    assertEquals(Duration.ofSeconds(5).plus(SYNC).toNanos(), run.totalTime(TimeUnit.NANOSECONDS), 1e-3);

    ticker.advance(Duration.ofMinutes(2));
    fleet.registry().register(machine("m2", "media", "gpu", "video")); // v can run now, after 2 min and more
    Timer wait = registry.get("fleet.task.wait").timer();
    assertEquals(3, wait.count()); // a and any at once, v after waiting
    assertTrue(wait.max(TimeUnit.SECONDS) >= 120, "v waited over two minutes: " + wait.max(TimeUnit.SECONDS));
    metrics.refresh();
    assertNull(registry.find("fleet.queue.tasks").tags("capabilities", "gpu,video").gauge(), "the queue is empty");
    nextScrape();
    assertEquals(3, counter("fleet.dispatch.decisions", "outcome", "dispatched"));
    assertEquals(1, counter("fleet.tasks.completed"));
  }

  @Test
  void failoversDeadLettersAndHeartbeatsAreCounted() {
    fleet.registry().register(machine("m1", "inference", "gpu"));
    fleet.registry().register(machine("m2", "inference", "gpu"));
    metrics.bindTo(registry);
    fleet.dispatcher().submit(Task.newBuilder("once").requires("gpu").maxAttempts(1).build());
    fleet.dispatcher().submit(Task.newBuilder("again").requires("gpu").build());
    beat("m1");
    beat("m2");
    beat("m2");
    nextScrape();
    assertEquals(3, counter("fleet.heartbeats"));
    // Both machines go silent; the tasks on them move (failovers), the one with a single attempt is dead-lettered.
    scheduler.advance(Duration.ofMinutes(2));
    nextScrape();
    assertEquals(2, counter("fleet.failovers"));
    assertEquals(1, counter("fleet.tasks.dead.lettered"));
    assertEquals(2, gauge("fleet.machines", "health", "offline", "role", "inference"));
  }

  @Test
  void journalAppendsAndSyncWaitsAreMeasured() {
    metrics.bindTo(registry);
    fleet.registry().register(machine("m1", "inference", "gpu"));
    fleet.dispatcher().submit(Task.newBuilder("a").requires("gpu").build());
    nextScrape();
    assertTrue(counter("fleet.journal.appends") >= 2, "the registration and the submission were appended");
    Timer sync = registry.get("fleet.journal.sync").timer();
    assertEquals(2, sync.count());
    assertEquals(2 * SYNC.toNanos(), sync.totalTime(TimeUnit.NANOSECONDS), 1e-3);
    assertEquals(0, gauge("fleet.journal.failed"));
  }

  @Test
  void rejectionsAndTasksAnyMachineCouldRunAreCounted() {
    try (Fleet small = Fleets.newBuilder().ticker(ticker).scheduler(new ManualScheduler(ticker))
        .eventExecutor(Runnable::run).maxQueuedTasks(1).build();
        FleetMetrics m = new FleetMetrics(small, ticker, Tags.empty())) {
      SimpleMeterRegistry r = new SimpleMeterRegistry();
      m.bindTo(r);
      small.dispatcher().submit(Task.newBuilder("first").build()); // no machine at all: it waits
      small.dispatcher().submit(Task.newBuilder("second").build()); // the queue holds one: refused
      m.refresh();
      assertEquals(1, r.get("fleet.queue.tasks").tags("priority", "normal", "capabilities", FleetMetrics.NONE)
          .gauge().value());
      assertEquals(1, r.get("fleet.dispatch.decisions").tags("outcome", "queued").functionCounter().count());
      assertEquals(1, r.get("fleet.dispatch.decisions").tags("outcome", "rejected").functionCounter().count());
      assertEquals(0, r.get("fleet.queue.delayed").gauge().value());
      assertNull(r.find("fleet.journal.appends").functionCounter(), "no journal, no journal meters");
    }
  }

  @Test
  void closingRemovesTheMetersAndBindingTwiceIsRefused() {
    metrics.bindTo(registry);
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> metrics.bindTo(new SimpleMeterRegistry()));
    assertTrue(twice.getMessage().contains("CompositeMeterRegistry"), twice.getMessage());
    metrics.close();
    assertTrue(registry.getMeters().isEmpty(), "left: " + registry.getMeters());
  }

  @Test
  void aFleetThatKeepsNoCountsIsRefused() {
    Fleet other = (Fleet) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Fleet.class}, (p, m, args) -> m.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(p, m, args)
            : m.getName().equals("toString") ? "OtherFleet" : null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FleetMetrics(other));
    assertTrue(e.getMessage().contains("OtherFleet"), e.getMessage());
  }
}
