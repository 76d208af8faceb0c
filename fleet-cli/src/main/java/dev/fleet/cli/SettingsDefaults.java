package dev.fleet.cli;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Gives picocli the defaults that {@link Settings} finds in the environment and the config file, so the command
 * line wins over them and they win over the built-in defaults. Remembers where each value came from, so a bad one
 * is reported with its source.
 *
 * <p>On/off flags are not given to picocli as defaults: picocli turns a flag whose default is {@code true} off
 * when it is given on the command line. {@link #applyFlags} sets them after parsing instead, where the command
 * line did not.
 *
 * <p>Not thread-safe: one command line is parsed on one thread.
 */
final class SettingsDefaults implements IDefaultValueProvider {
  private final Settings settings;
  private final Map<ArgSpec, Settings.Value> supplied = new IdentityHashMap<>();

  SettingsDefaults(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || !OptionKeys.configurable(o) || OptionKeys.isFlag(o)) {
      return null;
    }
    Optional<Settings.Value> v = settings.lookup(o);
    v.ifPresent(value -> supplied.put(arg, value));
    return v.map(Settings.Value::text).orElse(null);
  }

  /** Where the value picocli was given for this option came from, if it came from here. */
  Optional<Settings.Value> sourceOf(ArgSpec arg) {
    return Optional.ofNullable(supplied.get(arg));
  }

  /**
   * Where the value of a command's option came from: the option's name if the command line gave it (or nothing
   * else did), else the environment variable or config key.
   */
  static String source(CommandSpec command, String option) {
    if (command == null || command.commandLine() == null) {
      return option;
    }
    ParseResult parsed = command.commandLine().getParseResult();
    OptionSpec o = command.findOption(option);
    if (o == null || (parsed != null && parsed.hasMatchedOption(option))) {
      return option;
    }
    if (command.defaultValueProvider() instanceof SettingsDefaults d) {
      return d.sourceOf(o).map(Settings.Value::source).orElse(option);
    }
    return option;
  }

  /**
   * Sets each flag of the parsed commands that the command line left alone from the settings, parents first so a
   * subcommand's own key wins over an inherited option's.
   *
   * @throws CommandLine.ParameterException naming the option and the source for a value other than true or false
   */
  void applyFlags(ParseResult parsed) {
    Set<String> matched = new HashSet<>();
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      for (OptionSpec o : p.matchedOptions()) {
        matched.add(o.longestName());
      }
    }
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      for (OptionSpec o : p.commandSpec().options()) {
        if (!OptionKeys.configurable(o) || !OptionKeys.isFlag(o) || matched.contains(o.longestName())) {
          continue;
        }
        Optional<Settings.Value> v = settings.lookup(o);
        if (v.isPresent()) {
          supplied.put(o, v.get());
          o.setValue(flag(p.commandSpec().commandLine(), o, v.get()));
        }
      }
    }
  }

  private static boolean flag(CommandLine cl, OptionSpec o, Settings.Value v) {
    String t = v.text().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new CommandLine.ParameterException(cl, "Invalid value for option '" + o.longestName() + "': '" + v.text()
        + "' is not true or false (from " + v.source() + ")", o, v.text());
  }
}
