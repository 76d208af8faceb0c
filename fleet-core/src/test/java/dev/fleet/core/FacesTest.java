package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the fleet's three faces answer: each operation's returned status shows what the operation itself caused
 * (work it placed, the health it set), its boolean says what happened, and every operation leaves the fleet's
 * lock free for the next caller, whatever thread.
 */
class FacesTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  @Test
  void aRegistrationReturnsTheMachineWithTheWaitingWorkItTookAlready() {
    try (TestFleet t = new TestFleet()) {
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").build()));
      assertEquals(1, t.fleet.registry().register(TestFleet.machine("a", "r", "x")).activeTasks());
      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> t.fleet.registry().register(TestFleet.machine("a", "other", "y")));
      assertTrue(twice.getMessage().contains("'a'") || twice.getMessage().contains(" a "), twice.getMessage());
      assertEquals("r", t.fleet.registry().get(A).orElseThrow().machine().role(), "the first registration stands");
    }
  }

  @Test
  void anUpdateThatAddsACapabilityReturnsTheMachineWithTheWorkItTookAndRefusesBadLabels() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("w").requires("y").build());
      assertEquals(1, t.fleet.registry().update(TestFleet.machine("a", "r", "x", "y")).activeTasks());
      Machine bad = TestFleet.machine("a", "r", "x", "y").withLabel("quiet-hours", "whenever");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fleet.registry().update(bad));
      assertTrue(e.getMessage().contains("whenever"), e.getMessage());
      assertFalse(t.fleet.registry().get(A).orElseThrow().machine().labels().containsKey("quiet-hours"));
    }
  }

  @Test
  void drainsAndUndrainsReturnTheMachineAsTheyLeftIt() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertEquals(Health.DRAINING, t.fleet.registry().drain(A).health());
      assertEquals(Health.DRAINING, t.fleet.registry().drain(A, Duration.ofMinutes(1)).health());
      assertEquals(Health.DRAINING, t.fleet.registry().drainForShutdown(A, Duration.ofMinutes(1)).health());
      t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").build());
      var undrained = t.fleet.registry().undrain(A);
      assertEquals(Health.ONLINE, undrained.health());
      assertEquals(1, undrained.activeTasks(), "the waiting task went to the machine within the undrain");
    }
  }

  @Test
  void deregisterAndCancelSayWhetherTheyDidAnything() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertTrue(t.fleet.registry().deregister(A));
      assertFalse(t.fleet.registry().deregister(A));
      t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").build());
      assertTrue(t.fleet.dispatcher().cancel(TaskId.of("w")));
      assertFalse(t.fleet.dispatcher().cancel(TaskId.of("w")), "already cancelled");
    }
  }

  @Test
  void aRerouteToTheMachineATaskIsOnAlreadyIsTheSameAttempt() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.1);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").build()));
      Decision.Dispatched same = t.fleet.dispatcher().reroute(TaskId.of("w"), A);
      assertEquals(d.token(), same.token());
      assertEquals(d.attempt(), same.attempt());
    }
  }

  @Test
  void theMonitorAnswersDuplicatesLeavesAndSuspicionAsTheyAre() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertTrue(t.fleet.monitor().heartbeat(Heartbeat.of(A, 7, 0.1)));
      assertFalse(t.fleet.monitor().heartbeat(Heartbeat.of(A, 7, 0.1)), "the same sequence again is no news");
      assertFalse(t.fleet.monitor().heartbeat(Heartbeat.of(A, 6, 0.1)), "an older one neither");
      double fresh = t.fleet.monitor().suspicion(A);
      t.advance(Duration.ofSeconds(12));
      assertTrue(t.fleet.monitor().suspicion(A) > fresh, t.fleet.monitor().suspicion(A) + " vs " + fresh);
      assertEquals(Duration.ofSeconds(15), t.fleet.monitor().suspectAfter());
      assertEquals(Duration.ofSeconds(30), t.fleet.monitor().offlineAfter());
      assertEquals(Health.OFFLINE, t.fleet.monitor().announceLeave(A).health());
    }
  }

  @Test
  void everyOperationLeavesTheLockFreeForAnotherThread() throws Exception {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.1);
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x")
          .build());
      Task planned = Task.newBuilder("p").requires("x").build();
      Runnable[] operations = {
          () -> t.fleet.registry().get(A), () -> t.fleet.registry().list(), () -> t.fleet.registry().size(),
          () -> t.fleet.dispatcher().status(TaskId.of("w")), () -> t.fleet.dispatcher().explain(TaskId.of("w")),
          () -> t.fleet.dispatcher().queue(), () -> t.fleet.dispatcher().tasks(), () -> t.fleet.dispatcher().plan(planned),
          () -> t.fleet.dispatcher().submitAll(java.util.List.of(Task.newBuilder("s").requires("x").build())),
          () -> t.fleet.dispatcher().started(d.task().id(), d.token()),
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()),
          () -> t.fleet.monitor().suspicion(B), () -> t.fleet.monitor().health(B),
          () -> t.fleet.monitor().announceSleep(B), () -> t.fleet.monitor().announceLeave(B),
      };
      for (Runnable op : operations) {
        op.run();
        // Another thread must get in at once: an operation that kept the lock would hold it forever.
        assertEquals(2, CompletableFuture.supplyAsync(() -> t.fleet.registry().size()).get(10, TimeUnit.SECONDS));
      }
    }
  }
}
