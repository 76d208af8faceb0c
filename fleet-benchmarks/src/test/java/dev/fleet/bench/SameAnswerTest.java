package dev.fleet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three contestants answer the same question: on the same fleet, after the same heartbeats, Fleet
 * picks the very machine the seed's algorithm picks, and Fenzo (in its exact mode) a machine just as
 * lightly loaded. Otherwise the ratios in the README would compare different work.
 */
class SameAnswerTest {

  @Test
  void fleetAndTheSeedPickTheSameMachineEveryTime() {
    for (int size : new int[] {10, 100, 1000}) {
      FleetShape shape = FleetShape.of(size);
      SeedDispatcher seed = new SeedDispatcher(shape);
      SeedDispatcher.SeedTask[] seedTasks = SeedDispatcher.tasks(shape);
      try (FleetFixture fleet = new FleetFixture(shape)) {
        for (int i = 0; i < 2 * FleetShape.TASK_RING; i++) {
          if (i % FleetShape.DECISIONS_PER_HEARTBEAT == 0) {
            int b = (i / FleetShape.DECISIONS_PER_HEARTBEAT) % FleetShape.BEAT_RING;
            fleet.fleet.monitor().heartbeat(fleet.heartbeats[b]);
            seed.heartbeat(shape.beatMachine[b], shape.beatLoad[b]);
          }
          int t = i % FleetShape.TASK_RING;
          Decision d = fleet.fleet.dispatcher().plan(fleet.tasks[t]);
          SeedDispatcher.SeedResult r = seed.dispatch(seedTasks[t]);
          assertEquals("dispatch", r.action(), "seed, size " + size + ", task " + t);
          assertEquals(r.target(), assertInstanceOf(Decision.Dispatched.class, d).machine().value(),
              "size " + size + ", decision " + i);
        }
      }
    }
  }

  @Test
  void fenzoPicksAMachineAsLightlyLoadedAsTheSeedDoes() {
    FleetShape shape = FleetShape.of(1000);
    SeedDispatcher.SeedTask[] seedTasks = SeedDispatcher.tasks(shape);
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < shape.size; i++) {
      index.put(shape.ids[i], i);
    }
    for (boolean singleOffer : new boolean[] {false, true}) {
      SeedDispatcher seed = new SeedDispatcher(shape);
      try (FenzoPeer fenzo = new FenzoPeer(shape, FenzoPeer.Mode.EXACT, singleOffer)) {
        placeFiveBatches(shape, seed, seedTasks, index, fenzo);
      }
    }
  }

  private static void placeFiveBatches(FleetShape shape, SeedDispatcher seed, SeedDispatcher.SeedTask[] seedTasks,
      Map<String, Integer> index, FenzoPeer fenzo) {
    for (int batch = 0; batch < 5; batch++) {
      Map<String, String> placed = FenzoPeer.placements(fenzo.scheduleBatch());
      assertEquals(FenzoPeer.BATCH, placed.size());
      for (int i = 0; i < FenzoPeer.BATCH; i++) {
        int t = batch * FenzoPeer.BATCH + i;
        SeedDispatcher.SeedResult r = seed.dispatch(seedTasks[t]);
        String host = placed.get("t-" + t);
        assertEquals(shape.loads[index.get(r.target())], shape.loads[index.get(host)], 0.0,
            "task t-" + t + ": seed chose " + r.target() + ", Fenzo " + host);
      }
    }
  }
}
