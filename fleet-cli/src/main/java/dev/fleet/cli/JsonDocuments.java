package dev.fleet.cli;

import dev.fleet.TaskId;
import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.model.RemoteEvent;
import dev.fleet.transport.http.TaskFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The documents the reading commands print with {@code -o json}, made of the coordinator's own answers so that
 * their field names are the API's (docs/http.md); where a command puts several answers together, each is a field
 * of one object. docs/cli.md lists each shape.
 *
 * <p>Thread-safe: stateless; each call asks the coordinator afresh.
 */
final class JsonDocuments {
  private JsonDocuments() {}

  /**
   * {@code fleet status}: {@code {"machines": GET /v1/machines, "queue": GET /v1/queue, "coordinators":
   * GET /v1/coordinators}}, the last null from a coordinator that does not answer it.
   */
  static ObjectNode status(HttpFleetClient c) {
    ObjectNode d = JsonOutput.object();
    d.set("machines", get(c, "v1/machines"));
    d.set("queue", get(c, "v1/queue"));
    JsonNode coordinators = null;
    try {
      coordinators = get(c, "v1/coordinators");
    } catch (FleetHttpException e) {
      // as in the table: a coordinator that will not say (an older one answers 404) leaves it out
    }
    d.set("coordinators", coordinators);
    return d;
  }

  /** {@code fleet explain TASK}: {@code {"task": GET /v1/tasks/TASK, "explanation": GET .../explanation}}. */
  static ObjectNode explain(HttpFleetClient c, TaskId task) {
    ObjectNode d = JsonOutput.object();
    d.set("task", get(c, "v1/tasks/" + encode(task.value())));
    d.set("explanation", get(c, "v1/tasks/" + encode(task.value()) + "/explanation"));
    return d;
  }

  /** {@code fleet tasks}: {@code GET /v1/tasks} with the filter as its query, as it answers. */
  static JsonNode tasks(HttpFleetClient c, TaskFilter filter) {
    StringBuilder q = new StringBuilder("v1/tasks?limit=").append(filter.limit());
    for (dev.fleet.TaskState s : filter.states()) {
      q.append("&state=").append(s.name().toLowerCase(Locale.ROOT));
    }
    filter.machine().ifPresent(m -> q.append("&machine=").append(encode(m.value())));
    filter.capability().ifPresent(cap -> q.append("&capability=").append(encode(cap)));
    return get(c, q.toString());
  }

  /**
   * {@code fleet rules}: {@code GET /v1/rules} ({@code {"rules": "..."}}) with where it came from:
   * {@code "source": "coordinator"}, {@code "coordinator"} its URL and {@code "coordinatorFrom"} where that was
   * named.
   */
  static ObjectNode rules(HttpFleetClient c, CoordinatorAddress at) {
    JsonNode answer = get(c, "v1/rules");
    ObjectNode d = JsonOutput.object();
    d.set("rules", answer.get("rules"));
    d.put("source", "coordinator");
    d.put("coordinator", at.display());
    d.put("coordinatorFrom", at.source());
    return d;
  }

  /** {@code fleet rules --defaults}: the same shape, {@code "source": "built-in"} and no coordinator. */
  static ObjectNode builtInRules(String rules) {
    ObjectNode d = JsonOutput.object();
    d.put("rules", rules);
    d.put("source", "built-in");
    d.putNull("coordinator");
    d.putNull("coordinatorFrom");
    return d;
  }

  /** The answer to a client {@code GET} of {@code path}, as a tree. */
  static JsonNode get(HttpFleetClient c, String path) {
    return JsonOutput.tree(c.getJson(path));
  }

  /**
   * An event as the coordinator's event stream carries it ({@code data} of {@code GET /v1/events}): a task or
   * health event with the same fields, and a gap with {@code "type": "gap"} added, which the stream carries as
   * the event's name.
   */
  static ObjectNode event(RemoteEvent e) {
    ObjectNode d = JsonOutput.object();
    if (e instanceof RemoteEvent.TaskChanged t) {
      d.put("id", Long.toString(t.id()));
      d.put("type", "task");
      d.put("at", t.at().toString());
      d.put("task", t.task().value());
      t.machine().ifPresent(m -> d.put("machine", m.value()));
      d.put("from", t.from().name().toLowerCase(Locale.ROOT));
      d.put("to", t.to().name().toLowerCase(Locale.ROOT));
      d.put("attempt", t.attempt());
      d.put("reason", t.reason());
    } else if (e instanceof RemoteEvent.HealthChanged h) {
      d.put("id", Long.toString(h.id()));
      d.put("type", "health");
      d.put("at", h.at().toString());
      d.put("machine", h.machine().value());
      d.put("from", h.from().word());
      d.put("to", h.to().word());
      d.put("reason", h.reason());
    } else if (e instanceof RemoteEvent.Gap g) {
      d.put("type", "gap");
      d.put("lastEventId", Long.toString(g.lastEventId()));
      d.put("resumesAfter", Long.toString(g.resumesAfter()));
      if (g.missed().isPresent()) {
        d.put("missed", g.missed().getAsLong());
      }
      d.put("reason", g.reason());
    } else {
      throw new IllegalArgumentException("not an event of the fleet: " + e);
    }
    return d;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
