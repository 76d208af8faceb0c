package dev.fleet.core.internal.facts;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import java.util.List;

/**
 * One durable change the fleet made, as it is journaled: what a replay needs to rebuild the registry and the
 * task ledger. Times are wall-clock milliseconds (the ticker's nanoseconds mean nothing to the next process).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Fact {
  /** A machine joined the fleet; the order of these facts is the registration order. */
  record Joined(Machine machine) implements Fact {}

  /** A machine's registration changed. */
  record Updated(Machine machine) implements Fact {}

  /** A machine left the fleet. */
  record Left(MachineId id) implements Fact {}

  /**
   * A machine's drain state: {@code deadlineWall} is {@link Long#MAX_VALUE} for none.
   */
  record Drain(MachineId id, boolean requested, long deadlineWall, boolean forShutdown) implements Fact {}

  /** A machine announced it is going to sleep. */
  record Asleep(MachineId id, long sinceWall) implements Fact {}

  /** A machine said it left: offline since {@code atWall}, until it is heard from again ({@link Returned}). */
  record Departed(MachineId id, long atWall) implements Fact {}

  /** A machine that had said it left was heard from again. */
  record Returned(MachineId id) implements Fact {}

  /** A task was accepted; the order of these facts is the submission order. */
  record Submitted(Task task, long submittedWall) implements Fact {}

  /**
   * A task's new attempt went to a machine; {@code previousEnding} says how the attempt before it ended
   * (a reroute ends it in the same step), null if there was none.
   */
  record Assigned(TaskId id, MachineId machine, int attempt, long token, long atWall, double chosenLoad,
      double ceiling, String note, String previousEnding) implements Fact {}

  /** The current attempt reported that it started. */
  record Started(TaskId id) implements Fact {}

  /**
   * The current attempt ended without a result ({@code reason}) and the task waits again, after
   * {@code notBeforeWall} when it waits out a delay (0 when it does not).
   */
  record Requeued(TaskId id, String reason, int lost, MachineId excluded, long notBeforeWall) implements Fact {}

  /** The current attempt paused on its machine. */
  record Paused(TaskId id, long atWall) implements Fact {}

  /** The paused attempt resumed. */
  record Resumed(TaskId id) implements Fact {}

  /**
   * The task ended in {@code state}, with its result if it has one and the sentence that explains it;
   * {@code ending} says how its current attempt ended, null when it had none running.
   */
  record Finished(TaskId id, TaskState state, TaskResult result, String why, String ending) implements Fact {}

  /** A record of a durable part (a plugin's own state), filed under its name. */
  record Part(String name, byte[] record) implements Fact {}

  /** One past or current attempt in a task image. */
  record AttemptImage(int number, MachineId machine, long atWall, String ending) {}

  /**
   * A whole task as a snapshot holds it: written only by snapshots and backups, it stands for the
   * submission and every fact about the task since.
   */
  record TaskImage(Task task, long submittedWall, TaskState state, TaskState pausedFrom, long pausedAtWall,
      int lost, MachineId machine, MachineId excluded, long token, long notBeforeWall, double chosenLoad,
      double ceiling, String note, TaskResult result, String why, List<AttemptImage> history) implements Fact {}
}
