package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example, kept compiling and true. Edit both together. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleRuns() {
    // --- README example begins
    try (Fleet fleet = Fleets.newBuilder().build()) {
      fleet.registry().register(Machine.of("m3-forge", "m3-forge.local", "primary", List.of("inference", "code")));
      fleet.registry().register(Machine.of("m4-mirror", "m4-mirror.local", "parallel", List.of("inference", "social")));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m3-forge"), 1, 0.45));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m4-mirror"), 1, 0.20));
      fleet.subscribe(event -> System.out.println(event));

      Task posts = Task.newBuilder("posts").title("Generate social media posts").requires("social").build();
      Decision decision = fleet.dispatcher().submit(posts);
      if (decision instanceof Decision.Dispatched d) {
        // Hand d.task() to d.machine(); its agent reports back with the attempt's token.
        fleet.dispatcher().started(d.task().id(), d.token());
        fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success());
      } else {
        System.out.println(decision.why().render()); // e.g. "0/2 machines fit: 1 lacks 'social', ..."
      }
      System.out.println(fleet.dispatcher().plan(posts).why()); // m4-mirror chosen by least-loaded (...)
      // --- README example ends
      assertEquals(MachineId.of("m4-mirror"), ((Decision.Dispatched) decision).machine());
      assertEquals(TaskState.SUCCEEDED, fleet.dispatcher().status(posts.id()).orElseThrow().state());
    }
  }
}
