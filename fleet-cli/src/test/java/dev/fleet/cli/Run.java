package dev.fleet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * What one in-process run of the {@code fleet} command printed and returned, for tests.
 *
 * <p>Immutable; each run uses its own writers, so tests may run commands from several threads.
 */
record Run(int code, String out, String err) {

  /** Runs the command as picocli parses it, without the config file and environment layer. */
  static Run of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new FleetCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs the command as {@code fleet} does, with this environment and this home directory for the config file. */
  static Run of(Map<String, String> env, Path home, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(args, Map.copyOf(env), home, new PrintWriter(out, true), new PrintWriter(err, true),
        false);
    return new Run(code, out.toString(), err.toString());
  }
}
