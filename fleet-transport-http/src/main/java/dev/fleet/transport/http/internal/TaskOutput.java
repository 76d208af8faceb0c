package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.Payload;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/tasks/{id}/output}: the output of a task's accepted result as the raw bytes its machine reported,
 * with their media type as the Content-Type, and whether the result was a success in {@code Fleet-Task-State}. A
 * task without a result yet is a 404 {@code no-output} that says where the task is.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
public final class TaskOutput {
  /** The response header that says how the task ended: {@code succeeded} or {@code failed}. */
  public static final String STATE_HEADER = "Fleet-Task-State";

  private final Fleet fleet;

  public TaskOutput(Fleet fleet) {
    this.fleet = fleet;
  }

  /** Answers with the task's output, or throws the problem that says why there is none. */
  public void write(TaskId id, Response response, Callback callback) {
    TaskStatus s = fleet.dispatcher().status(id).orElseThrow(() -> new UnknownTaskException(id));
    TaskResult result = s.result().orElseThrow(() -> Problem.notFound("no-output", "task '" + id + "' has no "
        + "output" + whyNone(s)));
    Payload output = result.output();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, output.mediaType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(STATE_HEADER, TaskListing.word(s.state()));
    response.write(true, ByteBuffer.wrap(output.bytes()), callback);
  }

  private static String whyNone(TaskStatus s) {
    String where = s.machine().map(m -> " on " + m + " (attempt " + s.attempt() + ")").orElse("");
    return switch (s.state()) {
      case QUEUED -> " yet: it is queued" + (s.attempt() > 0 ? " for attempt " + (s.attempt() + 1) : "")
          + " (" + s.why().summary() + ")";
      case DISPATCHED -> " yet: it was dispatched" + where + " and has not reported a result";
      case RUNNING -> " yet: it is running" + where;
      case PAUSED -> " yet: it is paused" + where;
      default -> ": it ended " + TaskListing.word(s.state()) + " without a result (" + s.why().summary() + ")";
    };
  }
}
