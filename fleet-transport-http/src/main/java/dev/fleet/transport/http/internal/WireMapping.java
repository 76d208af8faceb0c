package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.Attempt;
import dev.fleet.Decision;
import dev.fleet.Explanation;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.MachineVerdict;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Reason;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Signals;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import dev.fleet.transport.http.internal.Wire.AttemptDto;
import dev.fleet.transport.http.internal.Wire.DecisionDto;
import dev.fleet.transport.http.internal.Wire.ExplanationDto;
import dev.fleet.transport.http.internal.Wire.MachineDto;
import dev.fleet.transport.http.internal.Wire.PayloadDto;
import dev.fleet.transport.http.internal.Wire.RescheduleDto;
import dev.fleet.transport.http.internal.Wire.ResultDto;
import dev.fleet.transport.http.internal.Wire.SignalsDto;
import dev.fleet.transport.http.internal.Wire.SpecsDto;
import dev.fleet.transport.http.internal.Wire.TaskDto;
import dev.fleet.transport.http.internal.Wire.TaskStatusDto;
import dev.fleet.transport.http.internal.Wire.VerdictDto;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Turns wire documents into Fleet's values and back. Reading checks every field; a missing or bad one
 * throws a 400 {@link Problem} naming it.
 *
 * <p>Thread-safe: stateless.
 */
public final class WireMapping {
  private WireMapping() {}

  /**
   * Runs a conversion of client input, turning the value records' own refusals (which name the bad
   * value) into 400 problems.
   */
  public static <T> T input(Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (IllegalArgumentException | NullPointerException | ArithmeticException e) {
      throw Problem.badRequest(e.getMessage() == null ? "a required value is missing" : e.getMessage());
    }
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw Problem.badRequest("field '" + field + "' is required");
    }
    return value;
  }

  // ------------------------------------------------------------------ tokens

  /** An attempt token as sent: unsigned decimal. */
  public static String token(long token) {
    return Long.toUnsignedString(token);
  }

  /** Reads an attempt token. */
  public static long token(String text, String field) {
    required(text, field);
    try {
      long t = Long.parseUnsignedLong(text);
      if (t == 0) {
        throw Problem.badRequest("field '" + field + "' must not be 0");
      }
      return t;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("field '" + field + "' must be an attempt token (unsigned decimal digits), got '"
          + abbreviate(text) + "'");
    }
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  // ------------------------------------------------------------------ machines

  public static Machine machine(MachineDto d) {
    required(d, "machine");
    MachineCaps.check(d);
    String id = required(d.id(), "machine.id");
    return new Machine(new MachineId(id), required(d.hostname(), "machine.hostname"), required(d.role(), "machine.role"),
        new LinkedHashSet<>(d.capabilities() == null ? List.of() : d.capabilities()),
        d.specs() == null ? Specs.NONE : specs(d.specs()), d.labels() == null ? Map.of() : d.labels());
  }

  public static MachineDto dto(Machine m) {
    return new MachineDto(m.id().value(), m.hostname(), m.role(), List.copyOf(m.capabilities()), dto(m.specs()),
        m.labels().isEmpty() ? null : m.labels());
  }

  static Specs specs(SpecsDto d) {
    return new Specs(Optional.ofNullable(d.ram()), Optional.ofNullable(d.chip()), Optional.ofNullable(d.gpu()),
        d.cores() == null ? OptionalInt.empty() : OptionalInt.of(d.cores()), d.extra() == null ? Map.of() : d.extra());
  }

  static SpecsDto dto(Specs s) {
    if (s.equals(Specs.NONE)) {
      return null;
    }
    return new SpecsDto(s.ram().orElse(null), s.chip().orElse(null), s.gpu().orElse(null),
        s.cores().isPresent() ? s.cores().getAsInt() : null, s.extra().isEmpty() ? null : s.extra());
  }

  public static Signals signals(SignalsDto d) {
    if (d == null) {
      return Signals.NONE;
    }
    MachineCaps.check(d);
    Optional<Duration> idle = Optional.empty();
    if (d.ownerIdleMillis() != null) {
      if (d.ownerIdleMillis() < 0) {
        throw Problem.badRequest("field 'signals.ownerIdleMillis' must be >= 0, got " + d.ownerIdleMillis());
      }
      idle = Optional.of(Duration.ofMillis(d.ownerIdleMillis()));
    }
    return new Signals(Boolean.TRUE.equals(d.onBattery()),
        d.batteryPercent() == null ? OptionalInt.empty() : OptionalInt.of(d.batteryPercent()),
        Boolean.TRUE.equals(d.throttled()), idle, d.metrics() == null ? Map.of() : d.metrics());
  }

  public static SignalsDto dto(Signals s) {
    if (s.equals(Signals.NONE)) {
      return null;
    }
    return new SignalsDto(s.onBattery() ? Boolean.TRUE : null,
        s.batteryPercent().isPresent() ? s.batteryPercent().getAsInt() : null, s.throttled() ? Boolean.TRUE : null,
        s.ownerIdle().map(Duration::toMillis).orElse(null), s.metrics().isEmpty() ? null : s.metrics());
  }

  public static Wire.MachineStatusDto dto(MachineStatus s, double suspicion, boolean connected, List<String> tasks) {
    return new Wire.MachineStatusDto(dto(s.machine()), s.health().word(), s.load(), s.effectiveLoad(),
        dto(s.signals()), s.lastHeartbeat().map(Instant::toString).orElse(null), s.activeTasks(),
        s.registrationOrder(), Double.isFinite(suspicion) ? suspicion : Double.MAX_VALUE, connected, tasks);
  }

  public static MachineStatus machineStatus(Wire.MachineStatusDto d) {
    return new MachineStatus(machine(d.machine()), health(d.health()), d.load(), d.effectiveLoad(), signals(d.signals()),
        Optional.ofNullable(d.lastHeartbeat()).map(Instant::parse), d.activeTasks(), d.registrationOrder());
  }

  public static Health health(String word) {
    try {
      return Health.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("health '" + word + "' is not one of online, suspect, offline, asleep, "
          + "draining, left");
    }
  }

  // ------------------------------------------------------------------ payloads

  public static Payload payload(PayloadDto d, String field) {
    if (d == null) {
      return Payload.EMPTY;
    }
    String type = d.mediaType() == null ? (d.text() != null ? "text/plain" : "application/octet-stream") : d.mediaType();
    if (d.text() != null && d.base64() != null) {
      throw Problem.badRequest("field '" + field + "' must have either 'text' or 'base64', not both");
    }
    if (d.base64() != null) {
      try {
        return new Payload(Base64.getDecoder().decode(d.base64()), type);
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("payload")) {
          throw e;
        }
        throw Problem.badRequest("field '" + field + ".base64' is not base64: " + e.getMessage());
      }
    }
    return Payload.text(d.text() == null ? "" : d.text(), type);
  }

  public static PayloadDto dto(Payload p) {
    if (p.size() == 0 && p.mediaType().equals(Payload.EMPTY.mediaType())) {
      return null;
    }
    byte[] bytes = p.bytes();
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      return new PayloadDto(p.mediaType(), text, null);
    } catch (CharacterCodingException e) {
      return new PayloadDto(p.mediaType(), null, Base64.getEncoder().encodeToString(bytes));
    }
  }

  // ------------------------------------------------------------------ tasks

  public static Task task(TaskDto d, String field) {
    required(d, field);
    Task.Builder b = Task.newBuilder(required(d.id(), field + ".id"));
    if (d.title() != null) {
      b.title(d.title());
    }
    if (d.requires() != null) {
      b.requires(d.requires());
    }
    if (d.priority() != null) {
      b.priority(Priority.parse(d.priority()));
    }
    b.payload(payload(d.payload(), field + ".payload"));
    if (d.role() != null) {
      b.role(d.role());
    }
    if (d.weight() != null) {
      b.weight(Weight.parse(d.weight()));
    }
    if (d.deadlineMillis() != null) {
      b.deadline(Duration.ofMillis(d.deadlineMillis()));
    }
    if (d.maxAttempts() != null) {
      b.maxAttempts(d.maxAttempts());
    }
    if (d.idempotencyKey() != null) {
      b.idempotencyKey(d.idempotencyKey());
    }
    if (d.onOwnerReturn() != null) {
      b.onOwnerReturn(ownerReturn(d.onOwnerReturn(), field + ".onOwnerReturn"));
    }
    if (d.reschedule() != null) {
      RescheduleDto r = d.reschedule();
      ReschedulePolicy def = ReschedulePolicy.DEFAULT;
      b.reschedule(new ReschedulePolicy(
          r.delayMillis() == null ? def.delay() : Duration.ofMillis(r.delayMillis()),
          r.multiplier() == null ? def.multiplier() : r.multiplier(),
          r.maxDelayMillis() == null ? def.maxDelay() : Duration.ofMillis(r.maxDelayMillis()),
          r.asleepGraceMillis() == null ? def.asleepGrace() : Duration.ofMillis(r.asleepGraceMillis())));
    }
    return b.build();
  }

  public static TaskDto dto(Task t) {
    ReschedulePolicy r = t.reschedule();
    RescheduleDto rd = r.equals(ReschedulePolicy.DEFAULT) ? null : new RescheduleDto(r.delay().toMillis(),
        r.multiplier(), millis(r.maxDelay()), millis(r.asleepGrace()));
    OwnerReturnPolicy o = t.onOwnerReturn();
    Wire.OwnerReturnDto od = o.equals(OwnerReturnPolicy.MOVE) ? null : new Wire.OwnerReturnDto(
        o.action().name().toLowerCase(Locale.ROOT), o.pauses() ? millis(o.pauseAtMost()) : null);
    return new TaskDto(t.id().value(), t.title().equals(t.id().value()) ? null : t.title(),
        t.requires().isEmpty() ? null : List.copyOf(t.requires()), t.priority().word(), dto(t.payload()),
        t.role().orElse(null), t.weight() == Weight.NORMAL ? null : t.weight().name().toLowerCase(Locale.ROOT),
        t.deadline().map(WireMapping::millis).orElse(null), t.maxAttempts(), t.idempotencyKey().orElse(null), rd, od);
  }

  /**
   * Reads {@code {"action": "move" | "pause", "pauseAtMostMillis": n}}; a pause without a limit gets the default
   * one, and {@code Long.MAX_VALUE} milliseconds means no limit.
   */
  private static OwnerReturnPolicy ownerReturn(Wire.OwnerReturnDto d, String field) {
    String action = required(d.action(), field + ".action");
    switch (action.toLowerCase(Locale.ROOT)) {
      case "move" -> {
        if (d.pauseAtMostMillis() != null) {
          throw Problem.badRequest("field '" + field + ".pauseAtMostMillis' applies only to action 'pause', got "
              + d.pauseAtMostMillis() + " with action '" + action + "'");
        }
        return OwnerReturnPolicy.MOVE;
      }
      case "pause" -> {
        Long ms = d.pauseAtMostMillis();
        if (ms == null) {
          return OwnerReturnPolicy.PAUSE;
        }
        if (ms <= 0) {
          throw Problem.badRequest("field '" + field + ".pauseAtMostMillis' must be > 0, got " + ms);
        }
        return OwnerReturnPolicy.pause(ms == Long.MAX_VALUE ? OwnerReturnPolicy.PAUSE_FOREVER : Duration.ofMillis(ms));
      }
      default -> throw Problem.badRequest("field '" + field + ".action' must be 'move' or 'pause', got '" + action
          + "'");
    }
  }

  private static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  public static Wire.MessageDto assign(long seq, Assignment a) {
    return new Wire.MessageDto(seq, "assign", a.task().id().value(), token(a.token()), a.attempt(), dto(a.task()), null);
  }

  public static Wire.MessageDto withdrawal(long seq, Assignment a, String reason) {
    return notice(seq, "withdraw", a, reason);
  }

  /** A message about an attempt the machine holds: {@code withdraw}, {@code pause} or {@code resume}. */
  public static Wire.MessageDto notice(long seq, String type, Assignment a, String reason) {
    return new Wire.MessageDto(seq, type, a.task().id().value(), token(a.token()), a.attempt(), null, reason);
  }

  // ------------------------------------------------------------------ decisions and status

  public static ExplanationDto dto(Explanation e) {
    List<VerdictDto> verdicts = new ArrayList<>(e.machines().size());
    for (MachineVerdict v : e.machines()) {
      verdicts.add(new VerdictDto(v.machine().value(), v.reason().name().toLowerCase(Locale.ROOT), v.detail()));
    }
    return new ExplanationDto(e.summary(), verdicts, e.omitted(), e.unblockers());
  }

  public static Explanation explanation(ExplanationDto d) {
    if (d == null) {
      return Explanation.of("");
    }
    List<MachineVerdict> verdicts = new ArrayList<>();
    for (VerdictDto v : d.machines() == null ? List.<VerdictDto>of() : d.machines()) {
      verdicts.add(new MachineVerdict(new MachineId(v.machine()), Reason.valueOf(v.reason().toUpperCase(Locale.ROOT)),
          v.detail()));
    }
    return new Explanation(d.summary(), verdicts, d.omitted(), d.unblockers() == null ? List.of() : d.unblockers());
  }

  public static DecisionDto dto(Decision d) {
    if (d instanceof Decision.Dispatched x) {
      return new DecisionDto(x.task().id().value(), "dispatched", x.machine().value(), x.attempt(), dto(x.why()));
    }
    return new DecisionDto(d.task().id().value(), d instanceof Decision.Queued ? "queued" : "rejected", null, null,
        dto(d.why()));
  }

  public static ResultDto dto(TaskResult r) {
    return new ResultDto(r.succeeded(), dto(r.output()), r.message().isEmpty() ? null : r.message());
  }

  public static TaskResult result(ResultDto d) {
    return new TaskResult(d.succeeded(), payload(d.output(), "result.output"), d.message() == null ? "" : d.message());
  }

  public static TaskStatusDto dto(TaskStatus s) {
    List<AttemptDto> attempts = new ArrayList<>();
    for (Attempt a : s.attempts()) {
      attempts.add(new AttemptDto(a.number(), a.machine().value(), a.ending()));
    }
    return new TaskStatusDto(dto(s.task()), s.state().name().toLowerCase(Locale.ROOT),
        s.machine().map(MachineId::value).orElse(null), s.attempt(), dto(s.why()), s.result().map(WireMapping::dto)
            .orElse(null), attempts);
  }

  /** A task status read back by a client; attempt times are not on the wire and read as 0. */
  public static TaskStatus taskStatus(TaskStatusDto d) {
    List<Attempt> attempts = new ArrayList<>();
    for (AttemptDto a : d.attempts() == null ? List.<AttemptDto>of() : d.attempts()) {
      attempts.add(new Attempt(a.number(), new MachineId(a.machine()), 0, a.ending() == null ? "" : a.ending()));
    }
    return new TaskStatus(task(d.task(), "task"), TaskState.valueOf(d.state().toUpperCase(Locale.ROOT)),
        Optional.ofNullable(d.machine()).map(MachineId::new), d.attempt(), explanation(d.why()),
        Optional.ofNullable(d.result()).map(WireMapping::result), attempts);
  }

  /** Reads a task id from a path segment. */
  public static TaskId taskId(String segment) {
    return input(() -> new TaskId(segment));
  }

  /** Reads a machine id from a path segment. */
  public static MachineId machineId(String segment) {
    return input(() -> new MachineId(segment));
  }
}
