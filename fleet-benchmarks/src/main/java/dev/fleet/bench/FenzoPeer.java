package dev.fleet.bench;

import com.netflix.fenzo.ConstraintEvaluator;
import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskRequest;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.TaskTrackerState;
import com.netflix.fenzo.VMAssignmentResult;
import com.netflix.fenzo.VMTaskFitnessCalculator;
import com.netflix.fenzo.VirtualMachineCurrentState;
import com.netflix.fenzo.VirtualMachineLease;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.Protos;

/**
 * Netflix Fenzo 1.0.1 placing the shape's tasks on the shape's hosts, the peer in the decision benchmarks.
 *
 * <p>The mapping: every machine that is not offline offers one lease (an offline Mesos agent offers
 * nothing); each of its capabilities is a text attribute of the lease. A task request carries a hard
 * constraint that its capability be among the host's attributes. The fitness calculator reads the host's
 * current load from an array the heartbeats update and returns {@code 1 - load}, or 0 (Fenzo's "does not
 * fit") at or over the 0.80 ceiling, so the host Fenzo picks is the least-loaded eligible one, as in the
 * seed. Resources are ample and tasks tiny, so resources never decide anything.
 *
 * <p>Settings, chosen to be Fenzo's fastest that keep the seed's answer: the scheduler is built with
 * {@code withLeaseOfferExpirySecs} of a day and {@code withMaxOffersToReject(0)} (no lease is expired or
 * rejected during a run), no autoscaler (so no shortfall evaluation), the constraint and the fitness
 * function allocate nothing, and tasks go in batches of {@link #BATCH} per {@code scheduleOnce}. By
 * default leases are used as on Mesos: an offer Fenzo used is consumed, and the host offers its (ample)
 * resources again for the next batch; the benchmarks also measure {@code withSingleOfferPerVM(true)},
 * where each host is offered once. Fenzo evaluates hosts on its own pool of one thread per core, so it
 * uses both cores where Fleet uses one. {@link Mode#EXACT} keeps Fenzo's default "good enough" function,
 * which never stops early, so every host is evaluated; {@link Mode#GOOD_ENOUGH} adds
 * {@code withFitnessGoodEnoughFunction(f -> f >= 0.9)}: Fenzo stops at the first eligible host with load
 * at most 0.10, which can be faster but is no longer least-loaded.
 *
 * <p>Not thread-safe: {@code scheduleOnce} must not be called concurrently, so one benchmark thread owns
 * an instance.
 */
public final class FenzoPeer implements AutoCloseable {

  /** How hard Fenzo looks for the best host. */
  public enum Mode {
    /** Evaluate every host; the least-loaded eligible one wins, as in the seed. */
    EXACT,
    /** Stop at the first host with fitness at least 0.9 (load at most 0.10). */
    GOOD_ENOUGH
  }

  /** Tasks per {@code scheduleOnce} call. */
  public static final int BATCH = 100;

  private final double[] loads;
  private final Map<String, Integer> indexByHost;
  private final TaskScheduler scheduler;
  private final List<FenzoTask> ring;
  private List<VirtualMachineLease> newLeases;
  private int next;
  private final List<FenzoTask> batch = new ArrayList<>(BATCH);
  private final boolean singleOffer;
  private final FleetShape shape;
  private long leaseIds;
  private final java.time.InstantSource wallClock;

  /** Fenzo in the given mode, with leases offered as on Mesos. */
  public FenzoPeer(FleetShape shape, Mode mode) {
    this(shape, mode, false);
  }

  /**
   * Fenzo in the given mode; with {@code singleOffer}, built {@code withSingleOfferPerVM(true)}: each host
   * is offered once and Fenzo keeps its lease, instead of a used offer being consumed and made again.
   */
  public FenzoPeer(FleetShape shape, Mode mode, boolean singleOffer) {
    this(shape, mode, singleOffer, java.time.InstantSource.system());
  }

  /**
   * As above, with the wall clock that stamps each offer: Fenzo compares an offer's time with its own clock to
   * expire old leases (after a day here), so it must be wall-clock milliseconds.
   */
  public FenzoPeer(FleetShape shape, Mode mode, boolean singleOffer, java.time.InstantSource wallClock) {
    this.wallClock = java.util.Objects.requireNonNull(wallClock, "wallClock");
    this.shape = shape;
    this.singleOffer = singleOffer;
    loads = shape.loads.clone();
    indexByHost = new HashMap<>(shape.size * 2);
    for (int i = 0; i < shape.size; i++) {
      indexByHost.put(shape.ids[i], i);
    }
    TaskScheduler.Builder b = new TaskScheduler.Builder()
        .withLeaseRejectAction(lease -> {
          throw new IllegalStateException("Fenzo rejected the lease of " + lease.hostname()
              + "; a run must keep every host");
        })
        .withLeaseOfferExpirySecs(86_400)
        .withMaxOffersToReject(0)
        .withSingleOfferPerVM(singleOffer)
        .withFitnessCalculator(new LoadFitness(loads, indexByHost));
    if (mode == Mode.GOOD_ENOUGH) {
      b = b.withFitnessGoodEnoughFunction(f -> f >= 0.9);
    }
    scheduler = b.build();
    newLeases = new ArrayList<>();
    for (int i = 0; i < shape.size; i++) {
      if (shape.kinds[i] != FleetShape.Kind.OFFLINE) {
        newLeases.add(new Lease(shape.ids[i], "lease-" + i, shape.capabilities[i], wallClock.millis()));
      }
    }
    Map<String, CapabilityConstraint> constraints = new HashMap<>();
    ring = new ArrayList<>(FleetShape.TASK_RING);
    for (int t = 0; t < FleetShape.TASK_RING; t++) {
      String cap = shape.taskRequires[t];
      ring.add(new FenzoTask("t-" + t, constraints.computeIfAbsent(cap, CapabilityConstraint::new)));
    }
  }

  /** Records a heartbeat: the machine's load, as the fitness function will next read it. */
  public void heartbeat(int machine, double load) {
    loads[machine] = load;
  }

  /**
   * Places the next {@link #BATCH} tasks of the ring in one {@code scheduleOnce}.
   *
   * @return the result; every task is assigned, or this throws
   */
  public SchedulingResult scheduleBatch() {
    batch.clear();
    for (int i = 0; i < BATCH; i++) {
      batch.add(ring.get(next));
      next = (next + 1) & (FleetShape.TASK_RING - 1);
    }
    List<VirtualMachineLease> offers = newLeases;
    newLeases = Collections.emptyList();
    SchedulingResult r = scheduler.scheduleOnce(batch, offers);
    if (!r.getExceptions().isEmpty()) {
      throw new IllegalStateException("Fenzo failed", r.getExceptions().get(0));
    }
    if (!r.getFailures().isEmpty()) {
      throw new IllegalStateException(r.getFailures().size() + " of " + BATCH + " tasks found no host: "
          + r.getFailures().values().iterator().next());
    }
    if (!singleOffer) {
      // Mesos style: a used offer is consumed; the host offers its (ample) resources again.
      newLeases = new ArrayList<>();
      for (VMAssignmentResult vm : r.getResultMap().values()) {
        int i = indexByHost.get(vm.getHostname());
        newLeases.add(new Lease(shape.ids[i], "lease-" + i + "-" + (++leaseIds), shape.capabilities[i],
            wallClock.millis()));
      }
    }
    return r;
  }

  /** Where each task of a result went, task id to host. */
  public static Map<String, String> placements(SchedulingResult r) {
    Map<String, String> out = new HashMap<>();
    for (VMAssignmentResult vm : r.getResultMap().values()) {
      vm.getTasksAssigned().forEach(a -> out.put(a.getTaskId(), vm.getHostname()));
    }
    return out;
  }

  @Override
  public void close() {
    scheduler.shutdown();
  }

  /** Load-based fitness: {@code 1 - load} below the ceiling, 0 ("does not fit") at or over it. */
  private static final class LoadFitness implements VMTaskFitnessCalculator {
    private final double[] loads;
    private final Map<String, Integer> indexByHost;

    LoadFitness(double[] loads, Map<String, Integer> indexByHost) {
      this.loads = loads;
      this.indexByHost = indexByHost;
    }

    @Override
    public String getName() {
      return "least-loaded";
    }

    @Override
    public double calculateFitness(TaskRequest task, VirtualMachineCurrentState vm, TaskTrackerState state) {
      double load = loads[indexByHost.get(vm.getHostname())];
      return load < FleetShape.CEILING ? 1.0 - load : 0.0;
    }
  }

  /** The host must have the capability among its lease attributes. */
  private static final class CapabilityConstraint implements ConstraintEvaluator {
    private static final Result OK = new Result(true, "");
    private final String capability;
    private final Result lacks;

    CapabilityConstraint(String capability) {
      this.capability = capability;
      this.lacks = new Result(false, "lacks " + capability);
    }

    @Override
    public String getName() {
      return "capability-" + capability;
    }

    @Override
    public Result evaluate(TaskRequest task, VirtualMachineCurrentState vm, TaskTrackerState state) {
      Map<String, Protos.Attribute> attributes = vm.getCurrAvailableResources().getAttributeMap();
      return attributes != null && attributes.containsKey(capability) ? OK : lacks;
    }
  }

  /** One task: tiny resources and one hard constraint. */
  private static final class FenzoTask implements TaskRequest {
    private final String id;
    private final List<CapabilityConstraint> hard;
    private AssignedResources assigned;

    FenzoTask(String id, CapabilityConstraint constraint) {
      this.id = id;
      this.hard = List.of(constraint);
    }

    @Override
    public String getId() {
      return id;
    }

    @Override
    public String taskGroupName() {
      return "fleet";
    }

    @Override
    public double getCPUs() {
      return 0.01;
    }

    @Override
    public double getMemory() {
      return 1;
    }

    @Override
    public double getNetworkMbps() {
      return 0;
    }

    @Override
    public double getDisk() {
      return 0;
    }

    @Override
    public int getPorts() {
      return 0;
    }

    @Override
    public Map<String, Double> getScalarRequests() {
      return Collections.emptyMap();
    }

    @Override
    public Map<String, NamedResourceSetRequest> getCustomNamedResources() {
      return Collections.emptyMap();
    }

    @Override
    public List<? extends ConstraintEvaluator> getHardConstraints() {
      return hard;
    }

    @Override
    public List<? extends VMTaskFitnessCalculator> getSoftConstraints() {
      return Collections.emptyList();
    }

    @Override
    public void setAssignedResources(AssignedResources assignedResources) {
      this.assigned = assignedResources;
    }

    @Override
    public AssignedResources getAssignedResources() {
      return assigned;
    }
  }

  /** A host's one offer: ample resources, one text attribute per capability. */
  private static final class Lease implements VirtualMachineLease {
    private final String host;
    private final String id;
    private final long offeredAt;
    private final Map<String, Protos.Attribute> attributes = new HashMap<>();

    Lease(String host, String id, String[] capabilities, long offeredAt) {
      this.offeredAt = offeredAt;
      this.host = host;
      this.id = id;
      for (String c : capabilities) {
        attributes.put(c, Protos.Attribute.newBuilder().setName(c).setType(Protos.Value.Type.TEXT)
            .setText(Protos.Value.Text.newBuilder().setValue("true")).build());
      }
    }

    @Override
    public String getId() {
      return id;
    }

    @Override
    public long getOfferedTime() {
      return offeredAt;
    }

    @Override
    public String hostname() {
      return host;
    }

    @Override
    public String getVMID() {
      return host;
    }

    @Override
    public double cpuCores() {
      return 1_000_000;
    }

    @Override
    public double memoryMB() {
      return 1_000_000_000;
    }

    @Override
    public double networkMbps() {
      return 1_000_000;
    }

    @Override
    public double diskMB() {
      return 1_000_000_000;
    }

    @Override
    public List<Range> portRanges() {
      return Collections.emptyList();
    }

    @Override
    public Protos.Offer getOffer() {
      return null;
    }

    @Override
    public Map<String, Protos.Attribute> getAttributeMap() {
      return attributes;
    }

    @Override
    public Double getScalarValue(String name) {
      return null;
    }

    @Override
    public Map<String, Double> getScalarValues() {
      return Collections.emptyMap();
    }
  }
}
