package dev.fleet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the {@code fleet} command line with its defaults from the environment and the config file
 * ({@link Settings}), errors that name where a bad value came from, and, for a real process, one-line logs.
 *
 * <p>One call runs one command on the calling thread.
 */
final class Cli {
  private Cli() {}

  /**
   * Runs {@code args} and returns the exit status: 0 done, 1 failed, 2 a bad command line or config.
   *
   * @param env the environment to read {@code FLEET_*} variables from
   * @param home the user's home, where {@code .config/fleet/fleet.properties} is looked for
   * @param out standard output, or null for the process's
   * @param err standard error, or null for the process's
   * @param installLogging set up one-line logging on java.util.logging's root logger (a process's main does)
   */
  static int execute(String[] args, Map<String, String> env, Path home, PrintWriter out, PrintWriter err,
      boolean installLogging) {
    CommandLine cl = new CommandLine(new FleetCommand());
    if (out != null) {
      cl.setOut(out);
    }
    if (err != null) {
      cl.setErr(err);
    }
    Settings settings;
    try {
      settings = Settings.load(args, env, home);
      settings.check(cl.getCommandSpec());
    } catch (IllegalArgumentException e) {
      if (OutputOption.requested(cl, args, OutputOption.fromEnvironment(env))) {
        JsonOutput.print(cl.getErr(), Problems.usage("fleet", e.getMessage()));
        return 2;
      }
      cl.getErr().println("fleet: " + e.getMessage());
      cl.getErr().flush();
      return 2;
    }
    configure(cl, settings, installLogging);
    return cl.execute(args);
  }

  /** Installs the settings as defaults, the error handler that names their source, and the flags' setting. */
  static SettingsDefaults configure(CommandLine cl, Settings settings, boolean installLogging) {
    SettingsDefaults defaults = new SettingsDefaults(settings);
    cl.setDefaultValueProvider(defaults);
    CommandLine.IParameterExceptionHandler plain = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, args) -> {
      var source = ex.getArgSpec() == null ? java.util.Optional.<Settings.Value>empty()
          : defaults.sourceOf(ex.getArgSpec()).filter(v -> v.text().equals(ex.getValue())
              || ex.getMessage().contains("'" + v.text() + "'"));
      CommandLine failed = ex.getCommandLine();
      if (OutputOption.requested(failed, args, defaults::defaultValue)) {
        String detail = source.isEmpty() || ex.getMessage().contains("(from ") ? ex.getMessage()
            : ex.getMessage() + " (from " + source.get().source() + ")";
        JsonOutput.print(failed.getErr(), Problems.usage(failed.getCommandSpec().qualifiedName(" "), detail));
        return failed.getCommandSpec().exitCodeOnInvalidInput();
      }
      if (source.isEmpty()) {
        return plain.handleParseException(ex, args);
      }
      String message = ex.getMessage().contains("(from ") ? ex.getMessage()
          : ex.getMessage() + " (from " + source.get().source() + ")";
      failed.getErr().println(failed.getCommandSpec().qualifiedName(" ") + ": " + message);
      failed.getErr().flush();
      return failed.getCommandSpec().exitCodeOnInvalidInput();
    });
    cl.setExecutionStrategy(parsed -> {
      defaults.applyFlags(parsed);
      if (installLogging) {
        Logs.install(((FleetCommand) cl.getCommand()).verbose);
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    return defaults;
  }
}
