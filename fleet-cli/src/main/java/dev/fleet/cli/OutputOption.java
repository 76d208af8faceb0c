package dev.fleet.cli;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The {@code -o, --output json|table} option of the commands that show what a coordinator holds: {@code table}
 * (the default) for people, {@code json} for programs: one JSON document per run on standard output (one per line
 * for {@code fleet events -f}), and a failure as one {@code problem+json} document on standard error.
 *
 * <p>Not thread-safe; picocli fills it on one thread.
 */
final class OutputOption {
  /** How a command prints what it read. */
  enum Format { TABLE, JSON }

  @Option(names = {"-o", "--output"}, paramLabel = "json|table", converter = FormatConverter.class,
      defaultValue = "table",
      description = "table (the default): for people; json: one JSON document on standard output, and a failure as "
          + "a problem+json document on standard error.")
  Format format = Format.TABLE;

  boolean json() {
    return format == Format.JSON;
  }

  /** Whether {@code command} runs with {@code -o json}: it has this option and it is set to json. */
  static boolean json(CommandSpec command) {
    for (CommandSpec mixin : command.mixins().values()) {
      if (mixin.userObject() instanceof OutputOption o) {
        return o.json();
      }
    }
    return false;
  }

  /**
   * Whether a command line that could not be parsed, or whose settings could not be read, asked for JSON: the
   * command it names has this option, and {@code -o json} is among {@code args}, or (without one there)
   * {@code configured} (the environment, the config file) sets it to json.
   *
   * @param failed the command picocli was parsing when it failed, or the root to find it from {@code args}
   */
  static boolean requested(CommandLine failed, String[] args, Function<OptionSpec, String> configured) {
    CommandLine command = failed.getParent() == null ? named(failed, args) : failed;
    OptionSpec option = command.getCommandSpec().findOption("--output");
    if (option == null) {
      return false;
    }
    String given = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length) {
        given = args[++i];
      } else if (a.startsWith("--output=")) {
        given = a.substring("--output=".length());
      } else if (a.startsWith("-o") && a.length() > 2 && !a.startsWith("--")) {
        given = a.substring(2).replaceFirst("^=", "");
      }
    }
    if (given != null) {
      return given.trim().equalsIgnoreCase("json");
    }
    String v = configured.apply(option);
    return v != null && v.trim().equalsIgnoreCase("json");
  }

  /** The option's value from the environment alone, for when the settings could not be read. */
  static Function<OptionSpec, String> fromEnvironment(Map<String, String> env) {
    return option -> {
      for (String name : new String[] {OptionKeys.envName(option), OptionKeys.envName("output")}) {
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
          return v;
        }
      }
      return null;
    };
  }

  /** The subcommand {@code args} name below {@code root}, as far as they name one. */
  private static CommandLine named(CommandLine root, String[] args) {
    CommandLine at = root;
    for (String a : args) {
      CommandLine sub = at.getSubcommands().get(a);
      if (sub != null) {
        at = sub;
      }
    }
    return at;
  }

  /** Reads {@code json} and {@code table}, in any case. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "json" -> Format.JSON;
        case "table" -> Format.TABLE;
        default -> throw new CommandLine.TypeConversionException("'" + value + "' is not json or table");
      };
    }
  }
}
