package dev.fleet;

/** Thrown when a request names a task the fleet does not know. */
public final class UnknownTaskException extends FleetException {
  private final TaskId task;

  public UnknownTaskException(TaskId task) {
    super("no task '" + task + "' is known");
    this.task = task;
  }

  public TaskId task() {
    return task;
  }
}
