package dev.fleet.it.consumer;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.core.Fleets;
import java.util.List;

/**
 * Builds a fleet whose strategy is chosen by name (found through ServiceLoader) and dispatches one task.
 * Run with "module" or "classpath": it checks that it runs the way it was started, and exits 1 if anything fails.
 */
public final class Main {

  private Main() {
  }

  /**
   * Runs the check.
   *
   * @param args one word: {@code module} (started with --module) or {@code classpath}
   * @throws Exception if the fleet cannot be built or closed
   */
  public static void main(String[] args) throws Exception {
    boolean named = Main.class.getModule().isNamed();
    boolean expectNamed = args.length == 1 && args[0].equals("module");
    if (named != expectNamed) {
      fail("expected to run " + (expectNamed ? "as a named module" : "on the class path") + " but module is "
          + Main.class.getModule());
    }
    Decision decision = dispatchOne();
    if (!(decision instanceof Decision.Dispatched d) || !d.strategy().equals(FewestTasks.NAME)
        || !d.machine().equals(MachineId.of("idle"))) {
      fail("expected dispatch to 'idle' by " + FewestTasks.NAME + ", got " + decision);
      return;
    }
    System.out.println("consumer (" + Main.class.getModule() + "): " + d.task().id() + " dispatched to "
        + d.machine() + " by " + d.strategy());
  }

  /** A fleet of a busy and an idle machine, with the strategy chosen by its name; one task submitted. */
  static Decision dispatchOne() throws Exception {
    try (Fleet fleet = Fleets.newBuilder().placementStrategy(FewestTasks.NAME).build()) {
      fleet.registry().register(Machine.of("busy", "busy.local", "primary", List.of("code")));
      fleet.registry().register(Machine.of("idle", "idle.local", "primary", List.of("code")));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("busy"), 1, 0.10));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("idle"), 1, 0.50));
      fleet.dispatcher().submit(Task.newBuilder("warm-up").requires("code").build());
      // busy (lower load) took the warm-up task; fewest-tasks now prefers idle despite its higher load.
      return fleet.dispatcher().submit(Task.newBuilder("build").requires("code").build());
    }
  }

  private static void fail(String message) {
    System.err.println("consumer: " + message);
    System.exit(1);
  }
}
