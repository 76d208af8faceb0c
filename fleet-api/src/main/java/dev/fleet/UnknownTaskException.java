package dev.fleet;

/** Thrown when a request names a task the fleet does not know. */
public final class UnknownTaskException extends FleetException {
  /** The id that named no known task. */
  private final TaskId task;

  /**
   * An exception whose message names the unknown task.
   *
   * @param task the id that named no known task
   */
  public UnknownTaskException(TaskId task) {
    super("no task '" + task + "' is known");
    this.task = task;
  }

  /**
   * The task the request named.
   *
   * @return its id, as the request gave it
   */
  public TaskId task() {
    return task;
  }
}
