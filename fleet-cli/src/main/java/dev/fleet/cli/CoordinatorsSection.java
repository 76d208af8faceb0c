package dev.fleet.cli;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.RemoteCoordinators;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * The "Coordinators:" section of {@code fleet status}: each coordinator's name, URL and role, the leader and
 * the term, from {@code GET /v1/coordinators}, for replicated coordinators. A single coordinator (a group of one)
 * has nothing to add, and a coordinator of an older version answers 404: the section is left out then, as it is
 * for any other refusal of that request.
 *
 * <p>Thread-safe: stateless.
 */
final class CoordinatorsSection {
  private CoordinatorsSection() {}

  static void print(PrintWriter out, HttpFleetClient client) {
    Optional<RemoteCoordinators> known;
    try {
      known = client.coordinators();
    } catch (FleetHttpException e) {
      return; // the machines and the queue were shown; a coordinator that will not say more leaves this out
    }
    if (known.isEmpty() || known.get().nodes().size() < 2) {
      return;
    }
    RemoteCoordinators r = known.get();
    out.println();
    out.println("Coordinators: term " + r.term() + ", " + r.leader().map(l -> "leader " + l)
        .orElse("no leader (an election is under way)") + ", as " + r.self() + " sees it");
    Table t = new Table("NAME", "URL", "ROLE");
    for (RemoteCoordinators.Node n : r.nodes()) {
      String url = n.url().toString();
      t.row(n.name(), url.endsWith("/") ? url.substring(0, url.length() - 1) : url, n.role());
    }
    out.print(t.render("  "));
  }
}
