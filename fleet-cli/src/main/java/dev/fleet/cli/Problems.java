package dev.fleet.cli;

import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A failed command as an RFC 9457 problem document, what {@code -o json} prints on standard error: the
 * coordinator's own problem passed on as it sent it, or one made here for what failed on this side (no answer, a
 * bad command line, a file that cannot be read), each with a {@code urn:dev.fleet:problem:} type; every one also
 * names the command and carries the line table mode would print.
 *
 * <p>Thread-safe: stateless.
 */
final class Problems {
  /** The prefix of every problem type Fleet makes, here as in the coordinator. */
  static final String TYPE_PREFIX = "urn:dev.fleet:problem:";
  /** No coordinator answered: refused, unknown host, timed out, TLS failed, none of several could serve it. */
  static final String UNREACHABLE = TYPE_PREFIX + "unreachable";
  /** The command line or the settings are wrong (exit status 2). */
  static final String USAGE = TYPE_PREFIX + "usage";
  /** The command could not do what was asked for a reason it names: a bad value, a missing file or token. */
  static final String COMMAND_FAILED = TYPE_PREFIX + "command-failed";
  /** Something the command did not expect; the detail names the exception. */
  static final String UNEXPECTED = TYPE_PREFIX + "unexpected-failure";

  private Problems() {}

  /**
   * The problem for a command's failure: the coordinator's refusal with its fields as it sent them, else one
   * made here.
   *
   * @param command the command, e.g. {@code fleet status}
   * @param target the coordinator asked, if any
   */
  static ObjectNode of(String command, Throwable e, Optional<CommandErrors.Target> target) {
    String message = CommandErrors.explain(e, target);
    ObjectNode p;
    Optional<CoordinatorsUnreachableException> none = CommandErrors.find(e, CoordinatorsUnreachableException.class);
    Optional<FleetHttpException> refused = CommandErrors.find(e, FleetHttpException.class);
    if (none.isPresent()) {
      p = made(UNREACHABLE, "Coordinator unreachable", message);
      ArrayNode tried = p.putArray("tried");
      none.get().tried().forEach(tried::add);
    } else if (refused.isPresent()) {
      p = passedOn(refused.get());
    } else if (Unreachable.reason(e).isPresent()) {
      p = made(UNREACHABLE, "Coordinator unreachable", message);
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof java.io.UncheckedIOException || e instanceof dev.fleet.FleetException) {
      p = made(COMMAND_FAILED, "Command failed", message);
    } else {
      p = made(UNEXPECTED, "Unexpected failure", message);
    }
    target.ifPresent(t -> {
      if (!p.has("coordinator")) {
        p.put("coordinator", t.address().display());
        p.put("coordinatorFrom", t.address().source());
      }
    });
    return named(p, command, command + ": " + message);
  }

  /** The problem for a command line or settings that cannot be used. */
  static ObjectNode usage(String command, String detail) {
    return named(made(USAGE, "Bad command line or settings", detail), command, command + ": " + detail);
  }

  /** The coordinator's problem document as it sent it, or one with its status, type and detail. */
  private static ObjectNode passedOn(FleetHttpException e) {
    if (e.problem().isPresent()) {
      try {
        JsonNode sent = JsonOutput.tree(e.problem().get());
        if (sent instanceof ObjectNode o && o.has("type")) {
          return o;
        }
      } catch (JacksonException notJson) {
        // made below from what the client read
      }
    }
    ObjectNode p = made(e.type(), "HTTP " + e.status(), e.detail());
    p.put("status", e.status());
    return p;
  }

  private static ObjectNode made(String type, String title, String detail) {
    ObjectNode p = JsonOutput.object();
    p.put("type", type);
    p.put("title", title);
    p.put("detail", detail);
    return p;
  }

  /** Adds the command and the line table mode prints, without replacing a field the coordinator sent. */
  private static ObjectNode named(ObjectNode p, String command, String message) {
    if (!p.has("command")) {
      p.put("command", command);
    }
    if (!p.has("message")) {
      p.put("message", message);
    }
    return p;
  }
}
