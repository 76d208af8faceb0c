package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.MachineId;
import dev.fleet.transport.http.internal.CoordinatorList;
import java.lang.System.Logger.Level;
import javax.net.ssl.SSLException;

/**
 * Says once, in words a person can act on, that an agent cannot reach its coordinator (and why: refused, timed
 * out, unknown host, a TLS handshake that failed), and once that it reached it again; the retries in between
 * are logged only at DEBUG.
 *
 * <p>Confined to the agent's control thread.
 */
final class Reachability {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final MachineId machine;
  private final CoordinatorList coordinators;
  private boolean lost;

  Reachability(MachineId machine, CoordinatorList coordinators) {
    this.machine = machine;
    this.coordinators = coordinators;
  }

  /** "the coordinator at URL", or with several "the coordinators at URL,URL,URL". */
  private String where() {
    return coordinators.size() == 1 ? "the coordinator at " + coordinators.display()
        : "the coordinators at " + coordinators.display();
  }

  /** A request got no answer ({@code err}) or an answer that says the coordinator cannot serve it now. */
  void failed(Throwable err) {
    if (lost) {
      LOG.log(Level.DEBUG, () -> machine + ": still cannot reach " + where() + ": "
          + describe(err));
      return;
    }
    lost = true;
    String why = describe(err);
    if (err instanceof FleetHttpException) {
      // It answered, so it is there; it cannot serve the request now (overloaded, its journal failed).
      LOG.log(Level.WARNING, machine + ": " + where() + " answered " + why + "; retrying");
      return;
    }
    String then = isTls(err) ? "; check that the agent trusts the coordinator's certificate (--trust) and that "
        + "the URL's scheme and port are the coordinator's; retrying" : "; is `fleet coordinator` running? retrying";
    LOG.log(Level.WARNING, machine + ": cannot reach " + where() + ": " + why + then);
  }

  /** An answer came: if the coordinator was lost, say it is back. */
  void reached() {
    if (lost) {
      lost = false;
      LOG.log(Level.INFO, machine + ": reached the coordinator at "
          + CoordinatorList.display(coordinators.current()) + " again");
    }
  }

  boolean lost() {
    return lost;
  }

  /**
   * What went wrong with a request, in a few words: "connection refused", "timed out after ...", "TLS handshake
   * failed: ...", or the HTTP status and detail of a problem answer. Never "null".
   */
  static String describe(Throwable err) {
    return dev.fleet.transport.http.internal.Failures.describe(err);
  }

  private static boolean isTls(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
