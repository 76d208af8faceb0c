package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.MachineId;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.Assignment;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet's INFO log, read through java.util.logging (where System.Logger goes by default): one plain sentence
 * per happening an operator looks for, and nothing for the routine.
 */
class FleetLogTest {
  /** The engine's log; System.getLogger names it so. */
  private static final String NAME = "dev.fleet.core.internal.FleetLog";
  private LogLines log;
  private List<String> lines;
  private final Map<TaskId, Long> tokens = new ConcurrentHashMap<>();

  @BeforeEach
  void capture() {
    log = LogLines.start(NAME);
    lines = log.lines;
  }

  @AfterEach
  void release() {
    log.close();
  }

  private TestFleet fleet() {
    return new TestFleet(b -> b.transport(new Transport() {
      @Override
      public void deliver(Assignment a) {
        tokens.put(a.task().id(), a.token());
      }

      @Override
      public void withdraw(Assignment a, String reason) {}
    }));
  }

  @Test
  void joinsHealthFailoversFailuresDeadLettersAndLeavesAreLoggedOneSentenceEach() {
    try (TestFleet t = fleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x").withSlots(1));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("b", 0.5);
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x").maxAttempts(2)
          .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
      assertEquals(List.of("INFO machine a joined the fleet (online)", "INFO machine b joined the fleet (online)"),
          lines, "a dispatch and a heartbeat log nothing");
      lines.clear();

      for (int s = 0; s < 30; s++) { // a falls silent
        t.beat("b", 0.5);
        t.advance(Duration.ofSeconds(1));
      }
      assertEquals(List.of("INFO machine a is suspect (was online): silent for 15.0s >= 15.0s",
          "INFO machine a is offline (was suspect): silent for 30.0s >= 30.0s",
          "INFO task job failed over off a (attempt 1): a went offline"), lines);
      lines.clear();

      t.fleet.dispatcher().complete(TaskId.of("job"), tokens.get(TaskId.of("job")), TaskResult.failure("exit 3"));
      t.fleet.dispatcher().submit(Task.newBuilder("last").requires("x").maxAttempts(1).build());
      t.fleet.registry().deregister(MachineId.of("b"));
      t.fleet.registry().update(TestFleet.machine("a", "r", "x", "y").withSlots(2));
      assertEquals(List.of("INFO task job failed on b, attempt 2: exit 3",
          "INFO machine b left the fleet (was online): deregistered",
          "INFO task last failed over off b (attempt 1): b left the fleet",
          "INFO task last dead-lettered after 1 of 1 attempts: b left the fleet",
          "INFO machine a re-registered: role 'r', capabilities [x, y], 2 slots"), lines);
    }
  }

  @Test
  void nothingIsWrittenWhileTheFleetsLockIsHeldOrBeforeTheOperationReturns() {
    List<String> heldAt = new CopyOnWriteArrayList<>();
    try (TestFleet t = fleet()) {
      Handler probe = new Handler() {
        @Override
        public void publish(LogRecord r) {
          // Another thread can read the fleet at once: the lock is free while the record is written.
          Thread reader = new Thread(() -> heldAt.add(t.fleet.registry().size() + " machines"));
          reader.start();
          try {
            reader.join(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      Logger.getLogger(NAME).addHandler(probe);
      try {
        t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      } finally {
        Logger.getLogger(NAME).removeHandler(probe);
      }
    }
    assertEquals(List.of("1 machines"), heldAt);
    assertTrue(Logger.getLogger(NAME).isLoggable(Level.INFO));
  }
}
