package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.spi.JournalException;
import dev.fleet.testing.ForwardingJournal;
import dev.fleet.testing.MemoryJournal;
import org.junit.jupiter.api.Test;

/**
 * A journal that refuses an append (a replicated journal whose node lost its term refuses every write) stops
 * the fleet even when the operation that appended was a heartbeat, which otherwise skips the wait for the
 * journal when it appended nothing: the attempt the heartbeat dispatched was never journaled, so its machine
 * must not be told of it. Found by the cluster simulator (ReplicatedClusterProperties, seed 10334 of a sweep):
 * a deposed leader's fleet handed an unjournaled attempt to a machine while the next leader gave the same
 * attempt to another.
 */
class FencedAppendTest {
  private static final MachineId A = MachineId.of("a");

  /** Passes everything on until {@link #fence}; then every append and sync throws, as a fenced journal's do. */
  private static final class Fenceable extends ForwardingJournal {
    private JournalException fenced;

    Fenceable(MemoryJournal delegate) {
      super(delegate);
    }

    void fence() {
      fenced = new JournalException("fenced: this node lost its term");
    }

    @Override
    public long append(byte[] record) {
      if (fenced != null) {
        throw fenced;
      }
      return super.append(record);
    }

    @Override
    public void sync(long position) {
      if (fenced != null) {
        throw fenced;
      }
      super.sync(position);
    }
  }

  @Test
  void aHeartbeatWhoseDispatchTheJournalRefusedDeliversNothingAndStopsTheFleet() {
    MemoryJournal memory = new MemoryJournal();
    try (TestFleet t = new TestFleet(b -> b.journal(memory).transport(new DurableFleetTest.Recorder()))) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
    }
    Fenceable journal = new Fenceable(memory.crash());
    DurableFleetTest.Recorder transport = new DurableFleetTest.Recorder();
    try (TestFleet t = new TestFleet(b -> b.journal(journal).transport(transport))) {
      // Restarted: the machine is not yet heard from, so the task waits for it.
      assertEquals(Health.UNKNOWN, t.fleet.monitor().health(A));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(Task.newBuilder("t1").requires("cpu").build()));
      journal.fence();
      assertThrows(JournalException.class, () -> t.fleet.monitor().heartbeat(Heartbeat.of(A, 1, 0.1)));
      assertTrue(transport.delivered.isEmpty(), "delivered an attempt the journal never took: " + transport.delivered);
      assertThrows(JournalException.class, () -> t.fleet.dispatcher().status(TaskId.of("t1")));
    }
  }
}
