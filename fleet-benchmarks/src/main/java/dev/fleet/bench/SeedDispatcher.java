package dev.fleet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The seed's dispatcher, transcribed literally from its JavaScript to Java, as the in-run baseline: filter
 * the registry's list of machines, sort the survivors by load, take the first.
 *
 * <p>The seed also re-reads and re-parses the registry JSON on every call; that part is left out, which
 * only flatters the baseline. Not thread-safe: one benchmark thread owns an instance.
 */
public final class SeedDispatcher {

  /** A registry entry, field for field as in the seed's JSON. */
  public static final class SeedMachine {
    public String id;
    public String hostname;
    public String role;
    public List<String> capabilities;
    public Map<String, Object> specs;
    public String status;
    public String lastHeartbeat;
    public double currentLoad;
  }

  /** The registry: {@code {"machines": [...]}}. */
  public static final class SeedRegistry {
    public final List<SeedMachine> machines = new ArrayList<>();
  }

  /** The seed's task: title, one required capability, priority, payload. */
  public record SeedTask(String title, String requires, String priority, Map<String, Object> payload) {}

  /** The seed's result object: {@code {action, target, hostname, task}} or {@code {action, reason}}. */
  public record SeedResult(String action, String target, String hostname, SeedTask task, String reason) {}

  public final SeedRegistry registry = new SeedRegistry();

  /** A registry holding the shape's machines at their loads; offline machines have status "offline". */
  public SeedDispatcher(FleetShape shape) {
    for (int i = 0; i < shape.size; i++) {
      SeedMachine m = new SeedMachine();
      m.id = shape.ids[i];
      m.hostname = shape.hostnames[i];
      m.role = shape.roles[i];
      m.capabilities = new ArrayList<>(Arrays.asList(shape.capabilities[i]));
      m.specs = Map.of("ram", "16GB", "chip", "x86", "gpu", false);
      m.status = shape.kinds[i] == FleetShape.Kind.OFFLINE ? "offline" : "online";
      m.lastHeartbeat = "2026-04-29T10:30:00Z";
      m.currentLoad = shape.loads[i];
      registry.machines.add(m);
    }
  }

  /** The seed's {@code dispatch(task)}. */
  public SeedResult dispatch(SeedTask task) {
    // Filter to machines that can handle this task
    List<SeedMachine> capable = registry.machines.stream()
        .filter(m -> m.status.equals("online")
            && m.capabilities.contains(task.requires())
            && m.currentLoad < 0.8) // Not overloaded
        .collect(Collectors.toList());

    if (capable.size() == 0) {
      // No machine available -- queue for later
      return new SeedResult("queue", null, null, task, "No capable machine available");
    }

    // Route to the least-loaded capable machine
    capable.sort((a, b) -> Double.compare(a.currentLoad, b.currentLoad));
    SeedMachine target = capable.get(0);
    return new SeedResult("dispatch", target.id, target.hostname, task, null);
  }

  /** A heartbeat, as the seed would record it: overwrite the machine's load. */
  public void heartbeat(int machine, double load) {
    registry.machines.get(machine).currentLoad = load;
  }

  /** The shape's task ring as seed tasks. */
  public static SeedTask[] tasks(FleetShape shape) {
    SeedTask[] out = new SeedTask[FleetShape.TASK_RING];
    for (int i = 0; i < out.length; i++) {
      out[i] = new SeedTask("task " + i, shape.taskRequires[i], "normal", Map.of());
    }
    return out;
  }
}
