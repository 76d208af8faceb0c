package dev.fleet.core.internal.facts;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns {@link Fact}s into journal records and back. A record is a tag byte, then the fact's fields in a
 * fixed order; the tags are part of the on-disk format and never change meaning.
 *
 * <p>Stateless and thread-safe.
 */
public final class FactCodec {
  private static final int JOINED = 1;
  private static final int UPDATED = 2;
  private static final int LEFT = 3;
  private static final int DRAIN = 4;
  private static final int ASLEEP = 5;
  private static final int DEPARTED = 8;
  private static final int RETURNED = 9;
  private static final int SUBMITTED = 10;
  private static final int ASSIGNED = 11;
  private static final int STARTED = 12;
  private static final int REQUEUED = 13;
  private static final int PAUSED = 14;
  private static final int RESUMED = 15;
  private static final int FINISHED = 16;
  private static final int TASK_IMAGE = 20;
  private static final int PART = 30;

  private static final TaskState[] STATES = TaskState.values();
  private static final Priority[] PRIORITIES = Priority.values();
  private static final Weight[] WEIGHTS = Weight.values();
  private static final OwnerReturnPolicy.Action[] ACTIONS = OwnerReturnPolicy.Action.values();

  private FactCodec() {}

  /** The record for a fact. */
  public static byte[] encode(Fact fact) {
    Out o = new Out(64);
    if (fact instanceof Fact.Joined f) {
      machine(o.u8(JOINED), f.machine());
    } else if (fact instanceof Fact.Updated f) {
      machine(o.u8(UPDATED), f.machine());
    } else if (fact instanceof Fact.Left f) {
      o.u8(LEFT).str(f.id().value());
    } else if (fact instanceof Fact.Drain f) {
      o.u8(DRAIN).str(f.id().value()).bool(f.requested()).i64(f.deadlineWall()).bool(f.forShutdown());
    } else if (fact instanceof Fact.Asleep f) {
      o.u8(ASLEEP).str(f.id().value()).i64(f.sinceWall());
    } else if (fact instanceof Fact.Departed f) {
      o.u8(DEPARTED).str(f.id().value()).i64(f.atWall());
    } else if (fact instanceof Fact.Returned f) {
      o.u8(RETURNED).str(f.id().value());
    } else if (fact instanceof Fact.Submitted f) {
      task(o.u8(SUBMITTED), f.task());
      o.i64(f.submittedWall());
    } else if (fact instanceof Fact.Assigned f) {
      o.u8(ASSIGNED).str(f.id().value()).str(f.machine().value()).varint(f.attempt()).i64(f.token())
          .i64(f.atWall()).f64(f.chosenLoad()).f64(f.ceiling()).optStr(f.note()).optStr(f.previousEnding());
    } else if (fact instanceof Fact.Started f) {
      o.u8(STARTED).str(f.id().value());
    } else if (fact instanceof Fact.Requeued f) {
      o.u8(REQUEUED).str(f.id().value()).str(f.reason()).varint(f.lost())
          .optStr(f.excluded() == null ? null : f.excluded().value()).i64(f.notBeforeWall());
    } else if (fact instanceof Fact.Paused f) {
      o.u8(PAUSED).str(f.id().value()).i64(f.atWall());
    } else if (fact instanceof Fact.Resumed f) {
      o.u8(RESUMED).str(f.id().value());
    } else if (fact instanceof Fact.Finished f) {
      o.u8(FINISHED).str(f.id().value()).u8(f.state().ordinal());
      result(o, f.result());
      o.str(f.why()).optStr(f.ending());
    } else if (fact instanceof Fact.TaskImage f) {
      image(o.u8(TASK_IMAGE), f);
    } else if (fact instanceof Fact.Part f) {
      o.u8(PART).str(f.name()).bytes(f.record());
    } else {
      throw new IllegalArgumentException("no record for " + fact);
    }
    return o.toBytes();
  }

  /**
   * The fact a record holds.
   *
   * @throws IllegalArgumentException if the record is not one this codec wrote, saying what is wrong
   */
  public static Fact decode(byte[] record) {
    In in = new In(record);
    int tag = in.u8();
    Fact f = switch (tag) {
      case JOINED -> new Fact.Joined(machine(in));
      case UPDATED -> new Fact.Updated(machine(in));
      case LEFT -> new Fact.Left(MachineId.of(in.str()));
      case DRAIN -> new Fact.Drain(MachineId.of(in.str()), in.bool(), in.i64(), in.bool());
      case ASLEEP -> new Fact.Asleep(MachineId.of(in.str()), in.i64());
      case DEPARTED -> new Fact.Departed(MachineId.of(in.str()), in.i64());
      case RETURNED -> new Fact.Returned(MachineId.of(in.str()));
      case SUBMITTED -> new Fact.Submitted(task(in), in.i64());
      case ASSIGNED -> new Fact.Assigned(TaskId.of(in.str()), MachineId.of(in.str()), (int) in.varint(), in.i64(),
          in.i64(), in.f64(), in.f64(), in.optStr(), in.optStr());
      case STARTED -> new Fact.Started(TaskId.of(in.str()));
      case REQUEUED -> new Fact.Requeued(TaskId.of(in.str()), in.str(), (int) in.varint(), machineOrNull(in.optStr()),
          in.i64());
      case PAUSED -> new Fact.Paused(TaskId.of(in.str()), in.i64());
      case RESUMED -> new Fact.Resumed(TaskId.of(in.str()));
      case FINISHED -> new Fact.Finished(TaskId.of(in.str()), state(in.u8()), result(in), in.str(), in.optStr());
      case TASK_IMAGE -> image(in);
      case PART -> new Fact.Part(in.str(), in.bytes());
      default -> throw new IllegalArgumentException("journal record has unknown tag " + tag
          + " (written by a newer Fleet?)");
    };
    in.end();
    return f;
  }

  private static MachineId machineOrNull(String id) {
    return id == null ? null : MachineId.of(id);
  }

  private static TaskState state(int ordinal) {
    if (ordinal >= STATES.length) {
      throw new IllegalArgumentException("journal record has unknown task state " + ordinal);
    }
    return STATES[ordinal];
  }

  private static <E> E pick(E[] values, int ordinal, String what) {
    if (ordinal >= values.length) {
      throw new IllegalArgumentException("journal record has unknown " + what + " " + ordinal);
    }
    return values[ordinal];
  }

  // ---------------------------------------------------------------- machines

  private static void machine(Out o, Machine m) {
    o.str(m.id().value()).str(m.hostname()).str(m.role());
    strings(o, m.capabilities());
    Specs s = m.specs();
    o.optStr(s.ram().orElse(null)).optStr(s.chip().orElse(null));
    o.u8(s.gpu().isEmpty() ? 0 : s.gpu().get() ? 2 : 1);
    o.varint(s.cores().isEmpty() ? 0 : s.cores().getAsInt() + 1L);
    map(o, s.extra());
    map(o, m.labels());
  }

  private static Machine machine(In in) {
    MachineId id = MachineId.of(in.str());
    String hostname = in.str();
    String role = in.str();
    Set<String> caps = strings(in);
    Optional<String> ram = Optional.ofNullable(in.optStr());
    Optional<String> chip = Optional.ofNullable(in.optStr());
    int gpu = in.u8();
    long cores = in.varint();
    Specs specs = new Specs(ram, chip, gpu == 0 ? Optional.empty() : Optional.of(gpu == 2),
        cores == 0 ? OptionalInt.empty() : OptionalInt.of((int) (cores - 1)), map(in));
    return new Machine(id, hostname, role, caps, specs, map(in));
  }

  private static void strings(Out o, Set<String> set) {
    o.varint(set.size());
    for (String s : set) {
      o.str(s);
    }
  }

  private static Set<String> strings(In in) {
    int n = in.length();
    Set<String> out = new LinkedHashSet<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      out.add(in.str());
    }
    return out;
  }

  private static void map(Out o, Map<String, String> map) {
    o.varint(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      o.str(e.getKey()).str(e.getValue());
    }
  }

  private static Map<String, String> map(In in) {
    int n = in.length();
    if (n == 0) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      out.put(in.str(), in.str());
    }
    return out;
  }

  // ---------------------------------------------------------------- tasks

  private static void task(Out o, Task t) {
    o.str(t.id().value()).str(t.title());
    strings(o, t.requires());
    o.u8(t.priority().ordinal());
    payload(o, t.payload());
    o.optStr(t.role().orElse(null)).u8(t.weight().ordinal());
    o.bool(t.deadline().isPresent());
    if (t.deadline().isPresent()) {
      duration(o, t.deadline().get());
    }
    o.varint(t.maxAttempts()).optStr(t.idempotencyKey().orElse(null));
    ReschedulePolicy r = t.reschedule();
    duration(o, r.delay());
    o.f64(r.multiplier());
    duration(o, r.maxDelay());
    duration(o, r.asleepGrace());
    o.u8(t.onOwnerReturn().action().ordinal());
    duration(o, t.onOwnerReturn().pauseAtMost());
  }

  private static Task task(In in) {
    TaskId id = TaskId.of(in.str());
    String title = in.str();
    Set<String> requires = strings(in);
    Priority priority = pick(PRIORITIES, in.u8(), "priority");
    Payload payload = payload(in);
    Optional<String> role = Optional.ofNullable(in.optStr());
    Weight weight = pick(WEIGHTS, in.u8(), "weight");
    Optional<Duration> deadline = in.bool() ? Optional.of(duration(in)) : Optional.empty();
    int maxAttempts = (int) in.varint();
    Optional<String> key = Optional.ofNullable(in.optStr());
    ReschedulePolicy reschedule = new ReschedulePolicy(duration(in), in.f64(), duration(in), duration(in));
    OwnerReturnPolicy owner = new OwnerReturnPolicy(pick(ACTIONS, in.u8(), "owner-return action"), duration(in));
    return new Task(id, title, requires, priority, payload, role, weight, deadline, maxAttempts, key, reschedule,
        owner);
  }

  private static void payload(Out o, Payload p) {
    o.bytes(p.bytes()).str(p.mediaType());
  }

  private static Payload payload(In in) {
    return new Payload(in.bytes(), in.str());
  }

  private static void duration(Out o, Duration d) {
    o.i64(d.getSeconds()).varint(d.getNano());
  }

  private static Duration duration(In in) {
    return Duration.ofSeconds(in.i64(), in.varint());
  }

  private static void result(Out o, TaskResult r) {
    if (r == null) {
      o.u8(0);
      return;
    }
    o.u8(1).bool(r.succeeded());
    payload(o, r.output());
    o.str(r.message());
  }

  private static TaskResult result(In in) {
    return in.u8() == 0 ? null : new TaskResult(in.bool(), payload(in), in.str());
  }

  // ---------------------------------------------------------------- snapshot images

  private static void image(Out o, Fact.TaskImage f) {
    task(o, f.task());
    o.i64(f.submittedWall()).u8(f.state().ordinal()).u8(f.pausedFrom() == null ? 255 : f.pausedFrom().ordinal())
        .i64(f.pausedAtWall()).varint(f.lost()).optStr(f.machine() == null ? null : f.machine().value())
        .optStr(f.excluded() == null ? null : f.excluded().value()).i64(f.token()).i64(f.notBeforeWall())
        .f64(f.chosenLoad()).f64(f.ceiling()).optStr(f.note());
    result(o, f.result());
    o.optStr(f.why());
    o.varint(f.history().size());
    for (Fact.AttemptImage a : f.history()) {
      o.varint(a.number()).str(a.machine().value()).i64(a.atWall()).str(a.ending());
    }
  }

  private static Fact.TaskImage image(In in) {
    Task task = task(in);
    long submitted = in.i64();
    TaskState state = state(in.u8());
    int from = in.u8();
    TaskState pausedFrom = from == 255 ? null : state(from);
    long pausedAt = in.i64();
    int lost = (int) in.varint();
    MachineId machine = machineOrNull(in.optStr());
    MachineId excluded = machineOrNull(in.optStr());
    long token = in.i64();
    long notBefore = in.i64();
    double chosenLoad = in.f64();
    double ceiling = in.f64();
    String note = in.optStr();
    TaskResult result = result(in);
    String why = in.optStr();
    int n = in.length();
    List<Fact.AttemptImage> history = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      history.add(new Fact.AttemptImage((int) in.varint(), MachineId.of(in.str()), in.i64(), in.str()));
    }
    return new Fact.TaskImage(task, submitted, state, pausedFrom, pausedAt, lost, machine, excluded, token,
        notBefore, chosenLoad, ceiling, note, result, why, history);
  }
}
