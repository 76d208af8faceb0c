package dev.fleet.cli;

import dev.fleet.transport.http.FleetHttpException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Turns the failures a person can fix (a refused request, an unreachable coordinator, a bad value) into one
 * line on standard error and exit status 1, instead of a stack trace.
 *
 * <p>Thread-safe: stateless.
 */
final class CommandErrors {
  private CommandErrors() {}

  static int run(CommandSpec spec, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (FleetHttpException e) {
      spec.commandLine().getErr().println("fleet " + spec.name() + ": the coordinator refused: " + e.getMessage());
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("fleet " + spec.name() + ": " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException | dev.fleet.FleetException e) {
      spec.commandLine().getErr().println("fleet " + spec.name() + ": " + e.getMessage());
    }
    spec.commandLine().getErr().flush();
    return 1;
  }
}
