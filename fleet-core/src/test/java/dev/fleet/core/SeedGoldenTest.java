package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Task;
import org.junit.jupiter.api.Test;

/** The seed's own example must come out exactly as the seed says. */
class SeedGoldenTest {

  @Test
  void socialTaskGoesToM4Mirror() {
    try (TestFleet t = TestFleet.seed()) {
      Task task = Task.newBuilder("social-posts").title("Generate social media posts").requires("social")
          .priority(Priority.NORMAL)
          .payload(Payload.json("{\"topics\":[\"AI automation\",\"sovereign stack\"]}")).build();

      Decision d = t.fleet.dispatcher().submit(task);

      Decision.Dispatched dispatched = assertInstanceOf(Decision.Dispatched.class, d);
      assertEquals(MachineId.of("m4-mirror"), dispatched.machine());
      assertEquals(0.20, dispatched.load(), 1e-9);
      assertEquals(1, dispatched.attempt());
      assertEquals("m4-mirror chosen by least-loaded (load 0.20 < 0.80)", d.why().summary());
    }
  }

  @Test
  void inferenceGoesToTheLessLoadedOfTheTwoThatHaveIt() {
    try (TestFleet t = TestFleet.seed()) {
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("think").requires("inference").build());
      assertEquals(MachineId.of("m4-mirror"), ((Decision.Dispatched) d).machine());
    }
  }

  @Test
  void explanationCountsEveryReasonInOneLine() {
    try (TestFleet t = TestFleet.seed()) {
      // The issue's own example: one offline, one lacking 'social', one at load 0.85.
      t.fleet.registry().update(TestFleet.machine("m3-forge", "primary", "inference", "code", "social"));
      t.beat("m3-forge", 0.85);
      t.fleet.registry().update(TestFleet.machine("gcp-watcher", "cron", "monitoring", "social"));
      t.fleet.registry().deregister(MachineId.of("m4-mirror"));
      t.fleet.registry().register(TestFleet.machine("m4-mirror", "parallel", "inference", "deploy"));
      t.ticker.advance(java.time.Duration.ofSeconds(31));
      t.beat("m3-forge", 0.85);
      t.beat("m4-mirror", 0.2);
      t.fleet.monitor().sweep(t.ticker.read());

      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("p").requires("social").build());

      assertInstanceOf(Decision.Queued.class, d);
      assertEquals("0/3 machines fit: 1 offline, 1 lacks 'social', 1 at load 0.85 >= 0.80", d.why().summary());
      assertEquals(java.util.List.of("runs when m3-forge drops below load 0.80",
          "runs when gcp-watcher comes back online",
          // Nothing of Fleet's runs there: the load is the owner's, and the owner is told how to change that.
          "m3-forge is busy with its own work, not Fleet's: to run tasks there anyway, raise the ceiling "
              + "(FleetBuilder.loadCeiling, `fleet coordinator --load-ceiling`) or run its agent with --no-probes"),
          d.why().unblockers());
    }
  }
}
