package dev.fleet;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A unit of work to run somewhere in the fleet, and what it needs from the machine that runs it.
 *
 * <p>Immutable and thread-safe. Build one with {@link #newBuilder(String)}.
 *
 * @param id unique within the fleet
 * @param title what a person reads in explanations
 * @param requires capabilities the machine must all have; empty means any machine
 * @param priority dispatch order and, with policies, access to a higher load ceiling
 * @param payload opaque body handed to the machine
 * @param role a preferred machine role, when the task has one
 * @param weight how much of a machine it takes
 * @param deadline how long after submission the task may still start
 * @param maxAttempts how many times it may be dispatched in all, at least 1
 * @param idempotencyKey a second submission with the same key returns the first task
 * @param reschedule what happens when its machine goes away: retry delays, patience with a sleeping machine
 * @param onOwnerReturn for background work: whether it moves away or pauses in place when the owner of its
 *     machine returns ({@link OwnerReturnPolicy#MOVE} by default)
 */
public record Task(
    TaskId id,
    String title,
    Set<String> requires,
    Priority priority,
    Payload payload,
    Optional<String> role,
    Weight weight,
    Optional<Duration> deadline,
    int maxAttempts,
    Optional<String> idempotencyKey,
    ReschedulePolicy reschedule,
    OwnerReturnPolicy onOwnerReturn) {

  /** Attempts allowed when the builder is not told otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public Task {
    Objects.requireNonNull(id, "id must not be null");
    Checks.text("title of task", id, title, 500);
    requires = Checks.names("required capability of task", id, requires);
    Checks.nonNull(priority, "priority of task", id, " must not be null");
    Checks.nonNull(payload, "payload of task", id, " must not be null (use Payload.EMPTY)");
    Checks.nonNull(role, "role of task", id, " must not be null (use Optional.empty())");
    if (role.isPresent()) {
      Checks.name("role of task", id, role.get());
    }
    Checks.nonNull(weight, "weight of task", id, " must not be null");
    Checks.nonNull(deadline, "deadline of task", id, " must not be null (use Optional.empty())");
    if (deadline.isPresent() && (deadline.get().isNegative() || deadline.get().isZero())) {
      throw new IllegalArgumentException("deadline of task " + id + " must be positive, got " + deadline.get());
    }
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new IllegalArgumentException("maxAttempts of task " + id + " must be in [1, 1000], got " + maxAttempts);
    }
    Checks.nonNull(idempotencyKey, "idempotencyKey of task", id, " must not be null (use Optional.empty())");
    if (idempotencyKey.isPresent()) {
      Checks.text("idempotencyKey of task", id, idempotencyKey.get(), 200);
    }
    Checks.nonNull(reschedule, "reschedule of task", id, " must not be null (use ReschedulePolicy.DEFAULT)");
    Checks.nonNull(onOwnerReturn, "onOwnerReturn of task", id, " must not be null (use OwnerReturnPolicy.MOVE)");
  }

  /** A task whose background work moves when the owner returns ({@link OwnerReturnPolicy#MOVE}). */
  public Task(TaskId id, String title, Set<String> requires, Priority priority, Payload payload, Optional<String> role,
      Weight weight, Optional<Duration> deadline, int maxAttempts, Optional<String> idempotencyKey,
      ReschedulePolicy reschedule) {
    this(id, title, requires, priority, payload, role, weight, deadline, maxAttempts, idempotencyKey, reschedule,
        OwnerReturnPolicy.MOVE);
  }

  /** Starts a task with the given id: no requirements, normal priority, empty payload. */
  public static Builder newBuilder(String id) {
    return new Builder(new TaskId(id));
  }

  /**
   * Builds a {@link Task}. Each setter validates its argument at once.
   *
   * <p>Not thread-safe; use from one thread.
   */
  public static final class Builder {
    private final TaskId id;
    private String title;
    private final Set<String> requires = new LinkedHashSet<>();
    private Priority priority = Priority.NORMAL;
    private Payload payload = Payload.EMPTY;
    private Optional<String> role = Optional.empty();
    private Weight weight = Weight.NORMAL;
    private Optional<Duration> deadline = Optional.empty();
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Optional<String> idempotencyKey = Optional.empty();
    private ReschedulePolicy reschedule = ReschedulePolicy.DEFAULT;
    private OwnerReturnPolicy onOwnerReturn = OwnerReturnPolicy.MOVE;

    private Builder(TaskId id) {
      this.id = id;
      this.title = id.value();
    }

    public Builder title(String title) {
      this.title = Checks.text("title of task", id, title, 500);
      return this;
    }

    public Builder requires(String... capabilities) {
      return requires(Arrays.asList(capabilities));
    }

    public Builder requires(Collection<String> capabilities) {
      requires.addAll(Checks.names("required capability of task", id, capabilities));
      return this;
    }

    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    public Builder payload(Payload payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    public Builder role(String role) {
      this.role = Optional.of(Checks.name("role of task", id, role));
      return this;
    }

    public Builder weight(Weight weight) {
      this.weight = Objects.requireNonNull(weight, "weight");
      return this;
    }

    public Builder deadline(Duration afterSubmission) {
      this.deadline = Optional.of(Objects.requireNonNull(afterSubmission, "deadline"));
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder idempotencyKey(String key) {
      this.idempotencyKey = Optional.of(Objects.requireNonNull(key, "idempotencyKey"));
      return this;
    }

    public Builder reschedule(ReschedulePolicy policy) {
      this.reschedule = Objects.requireNonNull(policy, "reschedule");
      return this;
    }

    /**
     * What a background task does when the owner of its machine returns: move away (the default) or pause in
     * place, e.g. {@code onOwnerReturn(OwnerReturnPolicy.PAUSE)}.
     */
    public Builder onOwnerReturn(OwnerReturnPolicy policy) {
      this.onOwnerReturn = Objects.requireNonNull(policy, "onOwnerReturn");
      return this;
    }

    public Task build() {
      return new Task(id, title, requires, priority, payload, role, weight, deadline, maxAttempts, idempotencyKey,
          reschedule, onOwnerReturn);
    }
  }
}
