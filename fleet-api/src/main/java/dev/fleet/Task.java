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

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param id not null
   * @param title not null, at most 500 characters
   * @param requires not null, each a valid name (as for {@link MachineId}); copied in order
   * @param priority not null
   * @param payload not null; {@link Payload#EMPTY} for none
   * @param role not null; empty, or a valid name
   * @param weight not null
   * @param deadline not null; empty, or positive
   * @param maxAttempts in [1, 1000]
   * @param idempotencyKey not null; empty, or at most 200 characters
   * @param reschedule not null; {@link ReschedulePolicy#DEFAULT} for the default
   * @param onOwnerReturn not null; {@link OwnerReturnPolicy#MOVE} for the default
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names the task and the value
   */
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

  /**
   * A task whose background work moves when the owner returns ({@link OwnerReturnPolicy#MOVE}); the form before
   * {@code onOwnerReturn} existed. {@link #newBuilder(String)} reads better.
   *
   * @param id not null
   * @param title not null, at most 500 characters
   * @param requires not null, each a valid name (as for {@link MachineId}); copied in order
   * @param priority not null
   * @param payload not null; {@link Payload#EMPTY} for none
   * @param role not null; empty, or a valid name
   * @param weight not null
   * @param deadline not null; empty, or positive
   * @param maxAttempts in [1, 1000]
   * @param idempotencyKey not null; empty, or at most 200 characters
   * @param reschedule not null; {@link ReschedulePolicy#DEFAULT} for the default
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names the task and the value
   */
  public Task(TaskId id, String title, Set<String> requires, Priority priority, Payload payload, Optional<String> role,
      Weight weight, Optional<Duration> deadline, int maxAttempts, Optional<String> idempotencyKey,
      ReschedulePolicy reschedule) {
    this(id, title, requires, priority, payload, role, weight, deadline, maxAttempts, idempotencyKey, reschedule,
        OwnerReturnPolicy.MOVE);
  }

  /**
   * Starts a task with the given id: titled with the id, no requirements, normal priority and weight, empty
   * payload, {@link #DEFAULT_MAX_ATTEMPTS}, the default reschedule and owner-return policies.
   *
   * @param id the task's name, as for {@link TaskId}
   * @return a builder; change what differs from the defaults, then {@link Builder#build()}
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code id} is not a valid name; the message quotes it
   */
  public static Builder newBuilder(String id) {
    return new Builder(new TaskId(id));
  }

  /**
   * Builds a {@link Task}. Setters check nulls and names at once; ranges ({@code deadline},
   * {@code maxAttempts}) are checked by {@link #build()}.
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

    /**
     * The title people read in explanations; the id until set.
     *
     * @param title at most 500 characters
     * @return this builder
     * @throws NullPointerException if {@code title} is null
     * @throws IllegalArgumentException if it is longer than 500 characters
     */
    public Builder title(String title) {
      this.title = Checks.text("title of task", id, title, 500);
      return this;
    }

    /**
     * Adds capabilities the machine must all have; called again, it adds more.
     *
     * @param capabilities valid names; none at all leaves the requirements as they are
     * @return this builder
     * @throws NullPointerException if a capability is null
     * @throws IllegalArgumentException if one is not a valid name; the message quotes it
     */
    public Builder requires(String... capabilities) {
      return requires(Arrays.asList(capabilities));
    }

    /**
     * Adds capabilities the machine must all have, in the collection's order; called again, it adds more.
     *
     * @param capabilities valid names; not null, may be empty
     * @return this builder
     * @throws NullPointerException if the collection or a capability is null
     * @throws IllegalArgumentException if one is not a valid name; the message quotes it
     */
    public Builder requires(Collection<String> capabilities) {
      requires.addAll(Checks.names("required capability of task", id, capabilities));
      return this;
    }

    /**
     * How urgent the task is; {@link Priority#NORMAL} until set.
     *
     * @param priority not null
     * @return this builder
     * @throws NullPointerException if {@code priority} is null
     */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /**
     * The body handed to the machine; {@link Payload#EMPTY} until set. The fleet may refuse a large one at
     * submission (see {@link PayloadLimitException}).
     *
     * @param payload not null
     * @return this builder
     * @throws NullPointerException if {@code payload} is null
     */
    public Builder payload(Payload payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    /**
     * A preferred machine role: machines of that role (or their backups) are chosen when one can take it.
     *
     * @param role a valid name
     * @return this builder
     * @throws NullPointerException if {@code role} is null
     * @throws IllegalArgumentException if it is not a valid name; the message quotes it
     */
    public Builder role(String role) {
      this.role = Optional.of(Checks.name("role of task", id, role));
      return this;
    }

    /**
     * How much of a machine the task takes; {@link Weight#NORMAL} until set.
     *
     * @param weight not null
     * @return this builder
     * @throws NullPointerException if {@code weight} is null
     */
    public Builder weight(Weight weight) {
      this.weight = Objects.requireNonNull(weight, "weight");
      return this;
    }

    /**
     * How long after submission the task may still start; a task still waiting then is cancelled. None until set.
     *
     * @param afterSubmission positive (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code afterSubmission} is null
     */
    public Builder deadline(Duration afterSubmission) {
      this.deadline = Optional.of(Objects.requireNonNull(afterSubmission, "deadline"));
      return this;
    }

    /**
     * How many times the task may be dispatched in all before it is dead-lettered;
     * {@link Task#DEFAULT_MAX_ATTEMPTS} until set.
     *
     * @param maxAttempts in [1, 1000] (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * A key that makes a repeated submission harmless: a second task with the same key gets the first task's
     * decision and is not submitted.
     *
     * @param key at most 200 characters (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = Optional.of(Objects.requireNonNull(key, "idempotencyKey"));
      return this;
    }

    /**
     * What happens when the task's machine goes away; {@link ReschedulePolicy#DEFAULT} until set.
     *
     * @param policy not null
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder reschedule(ReschedulePolicy policy) {
      this.reschedule = Objects.requireNonNull(policy, "reschedule");
      return this;
    }

    /**
     * What a background task does when the owner of its machine returns: move away (the default) or pause in
     * place, e.g. {@code onOwnerReturn(OwnerReturnPolicy.PAUSE)}.
     *
     * @param policy not null
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder onOwnerReturn(OwnerReturnPolicy policy) {
      this.onOwnerReturn = Objects.requireNonNull(policy, "onOwnerReturn");
      return this;
    }

    /**
     * The task as set so far; the builder may be changed and used again.
     *
     * @return a new task
     * @throws IllegalArgumentException if a range checked here is broken ({@code deadline} not positive,
     *     {@code maxAttempts} outside [1, 1000], {@code idempotencyKey} too long); the message names the task and
     *     the value
     */
    public Task build() {
      return new Task(id, title, requires, priority, payload, role, weight, deadline, maxAttempts, idempotencyKey,
          reschedule, onOwnerReturn);
    }
  }
}
