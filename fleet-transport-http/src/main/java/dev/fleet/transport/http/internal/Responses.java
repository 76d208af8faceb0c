package dev.fleet.transport.http.internal;

import dev.fleet.StaleAttemptException;
import dev.fleet.UnknownMachineException;
import dev.fleet.UnknownTaskException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * How the API answers: a JSON document, or an RFC 9457 problem for a failure, with the failures of the core
 * (unknown task, stale attempt, a failed journal, ...) mapped to their status codes.
 *
 * <p>Stateless and thread-safe.
 */
final class Responses {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());
  static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";

  private Responses() {}

  static void json(Response response, Callback callback, int status, Object document) {
    jsonBytes(response, callback, status, Json.write(document));
  }

  static void jsonBytes(Response response, Callback callback, int status, byte[] bytes) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** Answers with the problem a failure stands for; anything unexpected is logged and is a 500. */
  static void problem(Response response, Callback callback, Throwable failure) {
    Problem p = toProblem(failure);
    if (response.isCommitted()) {
      callback.failed(failure);
      return;
    }
    boolean close = "close".equalsIgnoreCase(response.getHeaders().get(HttpHeader.CONNECTION));
    response.reset();
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    response.setStatus(p.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (p.status() == 401) {
      response.getHeaders().put(new HttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"fleet\""));
    }
    if (p.status() == 405) {
      String d = p.detail();
      int at = d.indexOf("(Allow: ");
      if (at >= 0) {
        response.getHeaders().put(HttpHeader.ALLOW, d.substring(at + 8, d.length() - 1));
      }
    }
    if (p.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(p.retryAfterSeconds()));
    }
    response.write(true, ByteBuffer.wrap(problemBytes(p)), callback);
  }

  static byte[] problemBytes(Problem p) {
    return Json.write(new Wire.ProblemDto(p.type(), Problem.title(p.status()), p.status(), p.detail()));
  }

  static Problem toProblem(Throwable t) {
    if (t instanceof Problem p) {
      return p;
    }
    if (t instanceof dev.fleet.PayloadLimitException e) {
      return PayloadProblems.of(e, "");
    }
    if (t instanceof UnknownTaskException e) {
      return Problem.notFound("unknown-task", e.getMessage());
    }
    if (t instanceof UnknownMachineException e) {
      return Problem.notFound("unknown-machine", e.getMessage());
    }
    if (t instanceof StaleAttemptException e) {
      return Problem.conflict("stale-attempt", e.getMessage());
    }
    if (t instanceof dev.fleet.spi.JournalException e) {
      LOG.log(Level.ERROR, "the journal failed; changes are refused", e);
      return new Problem(503, "journal-failed", "the coordinator cannot record changes: " + e.getMessage());
    }
    if (t instanceof IllegalArgumentException e) {
      return Problem.badRequest(String.valueOf(e.getMessage()));
    }
    if (t instanceof IllegalStateException e) {
      return Problem.conflict("conflict", String.valueOf(e.getMessage()));
    }
    LOG.log(Level.ERROR, "request failed unexpectedly", t);
    return new Problem(500, "internal", "the coordinator failed to handle the request: " + t.getClass().getSimpleName()
        + "; see its log");
  }
}
