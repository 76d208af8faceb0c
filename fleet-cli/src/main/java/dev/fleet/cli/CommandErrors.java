package dev.fleet.cli;

import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a command's failure into one line on standard error that says what failed and what to do, and exit
 * status 1, instead of a stack trace: {@code fleet status: cannot reach the coordinator at http://127.0.0.1:7070
 * (from the default): connection refused; is `fleet coordinator` running?}. With {@code --verbose} the stack
 * trace follows. A command run with {@code -o json} ({@link OutputOption}) prints the failure as a problem
 * document instead ({@link Problems}).
 *
 * <p>Thread-safe: stateless.
 */
final class CommandErrors {
  private CommandErrors() {}

  static int run(CommandSpec spec, Callable<Integer> body) {
    try {
      return body.call();
    } catch (Exception e) {
      PrintWriter err = spec.commandLine().getErr();
      if (OutputOption.json(spec)) {
        JsonOutput.print(err, Problems.of(spec.qualifiedName(" "), e, target(spec)));
      } else {
        err.println(spec.qualifiedName(" ") + ": " + explain(e, target(spec)));
      }
      if (verbose(spec)) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }
  }

  /** What went wrong, in words, with what to do about it; {@code target} is the coordinator asked, if any. */
  static String explain(Throwable e, Optional<Target> target) {
    Optional<CoordinatorsUnreachableException> none = find(e, CoordinatorsUnreachableException.class);
    if (none.isPresent()) {
      // Several coordinators, none of which could serve it: each URL tried, and why.
      String from = target.map(t -> " (from " + t.address().source() + ")").orElse("");
      return "cannot reach any of the coordinators" + from + ": " + String.join("; ", none.get().tried())
          + "; is `fleet coordinator` running on one of them, and is a leader elected?";
    }
    Optional<FleetHttpException> refused = find(e, FleetHttpException.class);
    if (refused.isPresent()) {
      return Unreachable.refused(refused.get(), target);
    }
    Optional<String> network = Unreachable.reason(e);
    if (network.isPresent()) {
      String where = target.map(t -> " at " + t.address().display() + " (from " + t.address().source() + ")")
          .orElse("");
      return "cannot reach the coordinator" + where + ": " + network.get();
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof java.io.UncheckedIOException || e instanceof dev.fleet.FleetException) {
      return e.getMessage();
    }
    return "unexpected failure: " + summary(e) + " (run it again with --verbose for the stack trace)";
  }

  /** The exception's class and message, and its root cause's if that is another: one line. */
  static String summary(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? plain(t) : plain(t) + " (caused by " + plain(root) + ")";
  }

  private static String plain(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
        + t.getMessage();
  }

  /** The first exception of this type in the chain of causes. */
  static <T extends Throwable> Optional<T> find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return Optional.of(type.cast(c));
      }
    }
    return Optional.empty();
  }

  /**
   * The coordinator a command talks to and which credential it presents, for the advice on a refusal.
   *
   * @param address the coordinator's URL and where it came from
   * @param credential what the command presents, e.g. "the client token"
   * @param fix how to give the right one
   */
  record Target(CoordinatorAddress address, String credential, String fix) {}

  /** The client options' coordinator, or an agent's {@code --join}. */
  static Optional<Target> target(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof ClientOptions client) {
        CoordinatorAddress address;
        try {
          address = client.coordinator();
        } catch (IllegalArgumentException e) {
          return Optional.empty(); // a bad URL, which is what the message says
        }
        return Optional.of(new Target(address, "the client token",
            "give the token the coordinator made (the client-token file in its state directory) with "
                + "--client-token-file, or --state-dir for that directory"));
      }
    }
    OptionSpec join = spec.findOption("--join");
    if (join != null && join.getValue() instanceof String urls) {
      CoordinatorAddress address;
      try {
        address = CoordinatorAddress.parse(urls, SettingsDefaults.source(spec, "--join"));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      return Optional.of(new Target(address,
          "the join token or credential",
          "give the join token from the coordinator's state directory (join-token) with --token-file"));
    }
    return Optional.empty();
  }

  private static boolean verbose(CommandSpec spec) {
    return spec.root().userObject() instanceof FleetCommand f && f.verbose;
  }
}
