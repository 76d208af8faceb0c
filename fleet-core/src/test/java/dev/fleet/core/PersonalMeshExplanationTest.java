package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.Weight;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The issue's own example: a GPU task on a desktop asleep, a laptop on battery and a VPS without a GPU. */
class PersonalMeshExplanationTest {

  @Test
  void aWaitingTaskSaysWhichMachineWouldTakeItAndWhatMustChange() {
    Instant at = Instant.parse("2026-11-23T14:02:00Z");
    try (TestFleet t = new TestFleet(b -> b.wallClock(() -> at))) {
      t.fleet.registry().register(TestFleet.machine("desktop", "primary", "gpu"));
      t.fleet.registry().register(TestFleet.machine("laptop", "interface", "gpu"));
      t.fleet.registry().register(TestFleet.machine("vps", "cron", "web"));
      t.fleet.monitor().announceSleep(MachineId.of("desktop"));
      t.fleet.monitor().heartbeat(new Heartbeat(MachineId.of("laptop"), 1, 0.1, Signals.onBattery(23)));

      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("train").requires("gpu").weight(Weight.HEAVY).build());

      assertEquals("0/3 machines fit: 1 asleep, 1 lacks 'gpu', 1 on battery or recharging", d.why().summary());
      assertEquals(List.of("desktop: asleep since 14:02", "laptop: on battery (23%)", "vps: lacks 'gpu'"),
          d.why().machines().stream().map(Object::toString).sorted().toList());
      assertEquals(List.of("runs when desktop wakes", "runs when laptop is on AC power with at least 40% charge"),
          d.why().unblockers());
    }
  }
}
