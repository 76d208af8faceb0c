package dev.fleet.core.internal.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class FactCodecProperties {

  @Property(tries = 300)
  void everyTaskSurvivesEncodingUnchanged(@ForAll("tasks") Task task, @ForAll long wall) {
    Fact f = new Fact.Submitted(task, wall);
    assertEquals(f, FactCodec.decode(FactCodec.encode(f)));
  }

  @Property(tries = 200)
  void everyMachineSurvivesEncodingUnchanged(@ForAll("machines") Machine machine) {
    assertEquals(new Fact.Joined(machine), FactCodec.decode(FactCodec.encode(new Fact.Joined(machine))));
    assertEquals(new Fact.Updated(machine), FactCodec.decode(FactCodec.encode(new Fact.Updated(machine))));
  }

  @Property(tries = 200)
  void everyTruncatedRecordIsRefusedWithWhereItEnds(@ForAll("tasks") Task task, @ForAll("fractions") double cut) {
    byte[] whole = FactCodec.encode(new Fact.Submitted(task, 7));
    int keep = (int) (cut * (whole.length - 1));
    var e = assertThrows(IllegalArgumentException.class, () -> FactCodec.decode(Arrays.copyOf(whole, keep)));
    assertTrue(e.getMessage().contains("journal record"), e.getMessage());
  }

  @Example
  void everyFactKindRoundTrips() {
    MachineId m = MachineId.of("m3-forge");
    TaskId t = TaskId.of("posts-1");
    TaskResult result = new TaskResult(true, Payload.text("done ✓", "text/plain"), "fine");
    List<Fact> facts = List.of(
        new Fact.Left(m),
        new Fact.Drain(m, true, Long.MAX_VALUE, false),
        new Fact.Drain(m, false, 1234L, true),
        new Fact.Asleep(m, -5L),
        new Fact.Departed(m, 1_800_000_000_000L),
        new Fact.Returned(m),
        new Fact.Assigned(t, m, 3, -1L, 99L, 0.45, 0.8, null, null),
        new Fact.Assigned(t, m, 1, Long.MIN_VALUE, 0L, 0.0, 0.95, "backup of m4", "moved by request"),
        new Fact.Started(t),
        new Fact.Requeued(t, "m3-forge went offline", 2, m, 77L),
        new Fact.Requeued(t, "moved", 0, null, 0L),
        new Fact.Paused(t, 5L),
        new Fact.Resumed(t),
        new Fact.Finished(t, TaskState.SUCCEEDED, result, "succeeded on m3-forge", "succeeded"),
        new Fact.Finished(t, TaskState.CANCELLED, null, "cancelled by request", null),
        new Fact.TaskImage(Task.newBuilder("x").requires("a").build(), 5L, TaskState.PAUSED, TaskState.RUNNING, 9L, 1,
            m, null, 42L, 0L, 0.3, 0.8, "n", null, "why", List.of(new Fact.AttemptImage(1, m, 3L, "lost"),
                new Fact.AttemptImage(2, m, 4L, ""))),
        new Fact.TaskImage(Task.newBuilder("y").build(), 5L, TaskState.FAILED, null, 0L, 0, null, m, 0L, 0L, 0, 0,
            null, TaskResult.failure("boom"), null, List.of()));
    for (Fact f : facts) {
      assertEquals(f, FactCodec.decode(FactCodec.encode(f)), f.toString());
    }
    Fact.Part part = (Fact.Part) FactCodec.decode(FactCodec.encode(new Fact.Part("http.credentials",
        "abc".getBytes(StandardCharsets.UTF_8))));
    assertEquals("http.credentials", part.name());
    assertEquals("abc", new String(part.record(), StandardCharsets.UTF_8));
  }

  @Example
  void anUnknownTagIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> FactCodec.decode(new byte[] {(byte) 200}));
    assertTrue(e.getMessage().contains("unknown tag 200"), e.getMessage());
  }

  @Example
  void leftoverBytesAreRefused() {
    byte[] ok = FactCodec.encode(new Fact.Started(TaskId.of("a")));
    byte[] longer = Arrays.copyOf(ok, ok.length + 2);
    var e = assertThrows(IllegalArgumentException.class, () -> FactCodec.decode(longer));
    assertTrue(e.getMessage().contains("2 bytes left over"), e.getMessage());
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 0.99);
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().withChars("aZ09 -_.é✓😀").ofMinLength(1).ofMaxLength(40)
        .filter(s -> !s.isBlank());
  }

  private static Arbitrary<Duration> durations() {
    return Arbitraries.oneOf(Arbitraries.longs().between(1, 10_000_000_000_000L).map(Duration::ofNanos),
        Arbitraries.just(ReschedulePolicy.WAIT_FOREVER));
  }

  @Provide
  Arbitrary<Machine> machines() {
    Arbitrary<Specs> specs = Combinators.combine(
        Arbitraries.of("16GB", "64 GB").optional(), text().optional(), Arbitraries.of(true, false).optional(),
        Arbitraries.integers().between(1, 256).optional(),
        Arbitraries.maps(names(), text()).ofMaxSize(3))
        .as((ram, chip, gpu, cores, extra) -> new Specs(ram, chip, gpu,
            cores.map(OptionalInt::of).orElse(OptionalInt.empty()), extra));
    return Combinators.combine(names(), names(), names(), names().set().ofMaxSize(5), specs,
        Arbitraries.maps(names(), text()).ofMaxSize(3))
        .as((id, host, role, caps, s, labels) -> new Machine(MachineId.of(id), host + ".local", role, caps, s,
            labels));
  }

  @Provide
  Arbitrary<Task> tasks() {
    Arbitrary<Payload> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
        .map(b -> new Payload(b, "application/octet-stream"));
    Arbitrary<ReschedulePolicy> reschedule = Combinators.combine(
        Arbitraries.longs().between(0, 60_000).map(Duration::ofMillis), Arbitraries.doubles().between(1, 4),
        Arbitraries.longs().between(60_000, 600_000).map(Duration::ofMillis), durations())
        .as(ReschedulePolicy::new);
    Arbitrary<OwnerReturnPolicy> owner = Arbitraries.oneOf(Arbitraries.just(OwnerReturnPolicy.MOVE),
        durations().map(OwnerReturnPolicy::pause));
    return Combinators.combine(names(), text(), names().set().ofMaxSize(4), Arbitraries.of(Priority.class),
        payloads, names().optional(), Arbitraries.of(Weight.class), durations().optional())
        .as((id, title, req, prio, payload, role, weight, deadline) -> new Object[] {id, title, req, prio, payload,
            role, weight, deadline})
        .flatMap(a -> Combinators.combine(Arbitraries.integers().between(1, 1000), text().optional(), reschedule,
            owner).as((max, key, r, o) -> new Task(TaskId.of((String) a[0]), (String) a[1], cast(a[2]),
                (Priority) a[3], (Payload) a[4], cast(a[5]), (Weight) a[6], cast(a[7]), max, key, r, o)));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

}
