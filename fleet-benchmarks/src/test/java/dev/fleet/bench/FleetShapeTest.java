package dev.fleet.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generated fleets have the promised shape, and are the same on every call. */
class FleetShapeTest {

  @Test
  void sameSeedSameFleet() {
    FleetShape a = FleetShape.of(1000);
    FleetShape b = FleetShape.of(1000);
    assertArrayEquals(a.ids, b.ids);
    assertArrayEquals(a.loads, b.loads);
    assertArrayEquals(a.taskRequires, b.taskRequires);
    assertArrayEquals(a.beatLoad, b.beatLoad);
  }

  @Test
  void replayedHeartbeatsAlwaysChangeTheLoad() {
    for (int size : new int[] {10, 100, 1000, 100_000}) {
      FleetShape s = FleetShape.of(size);
      double[] current = new double[size];
      Arrays.fill(current, Double.NaN);
      for (int b = 0; b < FleetShape.BEAT_RING; b++) {
        current[s.beatMachine[b]] = s.beatLoad[b];
      }
      for (int b = 0; b < FleetShape.BEAT_RING; b++) { // the second time round the ring
        int m = s.beatMachine[b];
        assertNotEquals(current[m], s.beatLoad[b], "size " + size + ", heartbeat " + b);
        current[m] = s.beatLoad[b];
        assertTrue(s.kinds[m] != FleetShape.Kind.OFFLINE);
      }
    }
  }

  @Test
  void loadsStayOnTheirSideOfTheCeilingAndEveryTaskFits() {
    FleetShape s = FleetShape.of(1000);
    for (int b = 0; b < FleetShape.BEAT_RING; b++) {
      boolean busy = s.kinds[s.beatMachine[b]] == FleetShape.Kind.BUSY;
      assertTrue(busy == s.beatLoad[b] >= FleetShape.CEILING, "heartbeat " + b);
    }
    for (int i = 0; i < s.size; i++) {
      assertTrue(s.capabilities[i].length >= 3 && s.capabilities[i].length <= 8);
    }
    assertTrue(Arrays.asList(s.placeable).containsAll(Arrays.asList(s.taskRequires)));
  }
}
