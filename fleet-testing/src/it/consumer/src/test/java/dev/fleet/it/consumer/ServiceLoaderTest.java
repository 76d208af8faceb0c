package dev.fleet.it.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import dev.fleet.MachineId;
import org.junit.jupiter.api.Test;

/** fleet-core finds the strategy by name, on the module path (provides) and on the class path (META-INF/services). */
class ServiceLoaderTest {

  @Test
  void aFleetBuiltWithTheStrategysNameDispatchesByIt() throws Exception {
    Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, Main.dispatchOne());
    assertEquals(FewestTasks.NAME, d.strategy());
    assertEquals(MachineId.of("idle"), d.machine());
    System.out.println("ServiceLoaderTest ran in " + getClass().getModule());
  }
}
