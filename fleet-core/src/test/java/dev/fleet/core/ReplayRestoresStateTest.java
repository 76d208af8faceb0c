package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a fleet restarted from its journal says of machines asleep or draining and of tasks waiting or done. */
class ReplayRestoresStateTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  private static TestFleet fleet(MemoryJournal journal) {
    return new TestFleet(b -> b.journal(journal));
  }

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  @Test
  void aMachineAsleepAtTheCrashIsAsleepAfterItAndAnAwakeOneIsUnknown() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.0);
      t.beat("b", 0.0);
      t.fleet.monitor().announceSleep(A);
    }
    try (TestFleet t = fleet(journal.crash())) {
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(A));
      assertEquals(Health.UNKNOWN, t.fleet.monitor().health(B));
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 1, 0.0));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void aMachineThatLeftIsOfflineAfterARestartAndOneThatCameBackSinceIsNot() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.0);
      t.beat("b", 0.0);
      t.fleet.monitor().announceLeave(A);
      t.fleet.monitor().announceLeave(B);
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 5, 0.0)); // b is back
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(B));
    }
    try (TestFleet t = fleet(journal.crash())) {
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      assertEquals(Health.UNKNOWN, t.fleet.monitor().health(B));
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 1, 0.0));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void aDrainingMachineComesBackDrainingAndKeepsItsDeadline() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.0);
      t.beat("b", 0.0);
      t.fleet.registry().drain(A);
    }
    try (TestFleet t = fleet(journal.crash())) {
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 7, 0.0));
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 7, 0.0));
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(B));
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build()));
      assertEquals(B, d.machine());
    }
  }

  @Test
  void finishedTasksKeepTheirOutcomeAndWhyAcrossARestart() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("ok").requires("x").build()));
      t.fleet.dispatcher().complete(TaskId.of("ok"), d.token(), TaskResult.success());
      t.beat("a", 0.95);
      t.fleet.dispatcher().submit(Task.newBuilder("gone").requires("x").build());
      t.fleet.dispatcher().cancel(TaskId.of("gone"));
    }
    try (TestFleet t = fleet(journal.crash())) {
      assertEquals(TaskState.SUCCEEDED, status(t, "ok").state());
      assertEquals("succeeded on a, attempt 1", status(t, "ok").why().summary());
      assertEquals(A, status(t, "ok").machine().orElseThrow());
      assertEquals(TaskState.CANCELLED, status(t, "gone").state());
      assertEquals("cancelled by request", status(t, "gone").why().summary());
      assertTrue(t.fleet.dispatcher().queue().isEmpty());
    }
  }

  @Test
  void aTaskWaitingOutItsRescheduleDelaySaysSoAfterARestartAndOneInTheQueueDoesNot() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.dispatcher().submit(Task.newBuilder("slow").requires("x").maxAttempts(5)
          .reschedule(ReschedulePolicy.constant(Duration.ofHours(1))).build());
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.95)); // a new agent run: its attempt is lost
      assertTrue(status(t, "slow").why().summary().contains("after a delay of"), status(t, "slow").why().summary());
      t.fleet.dispatcher().submit(Task.newBuilder("waits").requires("x").build());
      assertEquals(TaskState.QUEUED, status(t, "waits").state());
    }
    try (TestFleet t = fleet(journal.crash())) {
      String slow = status(t, "slow").why().summary();
      assertEquals(TaskState.QUEUED, status(t, "slow").state());
      assertTrue(slow.endsWith("; waiting out its reschedule delay"), slow);
      String waits = status(t, "waits").why().summary();
      assertEquals(TaskState.QUEUED, status(t, "waits").state());
      assertFalse(waits.contains("reschedule delay"), waits);
      // Only the task out of its delay is in the queue proper: a machine heard from takes it at once.
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 9, 0.0));
      assertEquals(TaskState.DISPATCHED, status(t, "waits").state());
      assertEquals(TaskState.QUEUED, status(t, "slow").state());
    }
  }

  @Test
  void aMachineRegisteredDrainingIsStillDrainingAfterARestart() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal)) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"), Health.DRAINING, 0.0);
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
    }
    try (TestFleet t = fleet(journal.crash())) {
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 3, 0.0));
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 3, 0.5));
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build()));
      assertEquals(B, d.machine());
    }
  }
}
