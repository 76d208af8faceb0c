package dev.fleet.bench;

import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.core.Fleets;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;
import org.openjdk.jol.vm.VM;

/**
 * Retained heap per registered machine: the object graph reachable from a fleet of N machines, each
 * heard from once, minus that of an empty fleet, divided by N. Measured two ways: by walking the graph
 * with JOL, and, as a cross-check, by the heap in use after full GCs before and after building it.
 *
 * <p>Run {@code java -cp benchmarks.jar dev.fleet.bench.MemoryFootprint [machines] [out.json]}; add
 * {@code -Djdk.attach.allowAttachSelf=true} to let JOL use instrumentation for exact object sizes (without
 * it JOL computes them from the VM's layout, which agrees for these classes). It sets
 * {@code jol.magicFieldOffset=true} itself, since the fleet holds lambdas, whose fields JOL cannot
 * otherwise read on JDK 17. Not thread-safe; run it alone.
 */
public final class MemoryFootprint {

  /**
   * What one run found.
   *
   * @param machines fleet size
   * @param bytesPerMachine retained bytes per machine by JOL: everything the fleet keeps for it
   * @param registrationBytesPerMachine of which the caller's {@link Machine} records (ids, hostname, set of
   *     capabilities), which the fleet keeps as given
   * @param heapDeltaBytesPerMachine the cross-check from heap in use after GC
   * @param topClasses the classes that grew most, "class: bytes per machine"
   */
  public record Result(int machines, double bytesPerMachine, double registrationBytesPerMachine,
      double heapDeltaBytesPerMachine, List<String> topClasses) {}

  static {
    // The fleet holds lambdas (hidden classes), whose field offsets Unsafe refuses; JOL then needs this,
    // and reads it when its classes initialise, so it is set before they load.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  private MemoryFootprint() {}

  public static void main(String[] args) throws IOException {
    int machines = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Result r = measure(machines);
    String json = toJson(r);
    System.out.println(json);
    if (args.length > 1) {
      Path out = Path.of(args[1]);
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, json, StandardCharsets.UTF_8);
    }
  }

  /** Measures a fleet of {@code machines} machines of {@link FleetShape#of}. */
  public static Result measure(int machines) {
    FleetShape shape = FleetShape.of(machines);
    Fleet empty = newFleet();
    GraphLayout emptyLayout = GraphLayout.parseInstance(empty);

    long before = usedHeapAfterGc();
    Machine[] registrations = new Machine[machines];
    Fleet full = newFleet();
    fill(full, shape, registrations);
    long after = usedHeapAfterGc();
    GraphLayout fullLayout = GraphLayout.parseInstance(full);
    long registrationBytes = GraphLayout.parseInstance((Object[]) registrations).totalSize()
        - VM.current().sizeOf(registrations);
    Reference.reachabilityFence(full);
    Reference.reachabilityFence(registrations);

    List<String> top = new ArrayList<>();
    Multiset<Class<?>> fullSizes = fullLayout.getClassSizes();
    Multiset<Class<?>> emptySizes = emptyLayout.getClassSizes();
    List<Class<?>> classes = new ArrayList<>(fullLayout.getClasses());
    classes.sort(Comparator.comparingLong((Class<?> c) -> fullSizes.count(c) - emptySizes.count(c)).reversed());
    for (Class<?> c : classes.subList(0, Math.min(12, classes.size()))) {
      top.add(String.format(Locale.ROOT, "%s: %.1f", c.getName(),
          (fullSizes.count(c) - emptySizes.count(c)) / (double) machines));
    }
    Result r = new Result(machines,
        (fullLayout.totalSize() - emptyLayout.totalSize()) / (double) machines,
        registrationBytes / (double) machines,
        (after - before) / (double) machines,
        top);
    full.close();
    empty.close();
    return r;
  }

  private static Fleet newFleet() {
    FakeTicker ticker = new FakeTicker(1_000_000_000L);
    return Fleets.newBuilder().ticker(ticker).scheduler(new ManualScheduler(ticker)).eventExecutor(Runnable::run)
        .build();
  }

  private static void fill(Fleet fleet, FleetShape shape, Machine[] registrations) {
    for (int i = 0; i < shape.size; i++) {
      Machine m = FleetFixture.machine(shape, i);
      registrations[i] = m;
      boolean offline = shape.kinds[i] == FleetShape.Kind.OFFLINE;
      fleet.registry().register(m, offline ? Health.OFFLINE : Health.ONLINE, shape.loads[i]);
      if (!offline) {
        fleet.monitor().heartbeat(Heartbeat.of(m.id(), 1, shape.loads[i]));
      }
    }
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  static String toJson(Result r) {
    StringBuilder top = new StringBuilder();
    for (String t : r.topClasses()) {
      top.append(top.length() == 0 ? "" : ", ").append('"').append(t.replace("\"", "'")).append('"');
    }
    return String.format(Locale.ROOT, "{\n  \"machines\": %d,\n  \"jdk\": \"%s\",\n  \"bytesPerMachine\": %.1f,\n"
            + "  \"registrationBytesPerMachine\": %.1f,\n  \"heapDeltaBytesPerMachine\": %.1f,\n"
            + "  \"topClassesBytesPerMachine\": [%s]\n}\n",
        r.machines(), System.getProperty("java.vm.version"), r.bytesPerMachine(), r.registrationBytesPerMachine(),
        r.heapDeltaBytesPerMachine(), top);
  }
}
