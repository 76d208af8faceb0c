package dev.fleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The names an option goes by outside the command line: its key in {@code fleet.properties}
 * ({@code agent.slots}) and its environment variable ({@code FLEET_AGENT_SLOTS}), and the shared keys
 * ({@code coordinator}, {@code FLEET_COORDINATOR}) that set the same option in every command that has it.
 *
 * <p>Thread-safe: stateless.
 */
final class OptionKeys {
  /** The environment variable naming the config file. */
  static final String CONFIG_ENV = "FLEET_CONFIG";

  /**
   * Shared keys, and the options each sets in every command that has them. {@code coordinator} sets the agent's
   * {@code --join} too: on one desk the coordinator the client commands ask is the one agents join.
   */
  static final Map<String, List<String>> SHARED = Map.of(
      "coordinator", List.of("coordinator", "join"),
      "state-dir", List.of("state-dir"),
      "client-token", List.of("client-token"),
      "client-token-file", List.of("client-token-file"),
      "token-file", List.of("token-file"),
      "trust", List.of("trust"),
      "trust-password", List.of("trust-password"),
      "trust-password-file", List.of("trust-password-file"),
      "verbose", List.of("verbose"),
      "output", List.of("output"));

  private OptionKeys() {}

  /** Whether the option may come from the file or the environment: all but help, version and --config. */
  static boolean configurable(OptionSpec o) {
    return !o.usageHelp() && !o.versionHelp() && !name(o).equals("config");
  }

  /** Whether it is an on/off flag, which picocli would flip if its default were {@code true}. */
  static boolean isFlag(OptionSpec o) {
    return o.typeInfo().isBoolean() && !o.typeInfo().isMultiValue();
  }

  /** The option's longest name without its dashes, e.g. {@code slots}. */
  static String name(OptionSpec o) {
    return o.longestName().replaceFirst("^-+", "");
  }

  /** The subcommand path below {@code fleet}, dot-separated: {@code agent}; empty for {@code fleet} itself. */
  static String commandPath(CommandSpec command) {
    String q = command.qualifiedName(".");
    String root = command.root().name();
    return q.equals(root) ? "" : q.substring(root.length() + 1);
  }

  /** {@code agent.slots}; a root option's key is its bare name. */
  static String fileKey(OptionSpec o) {
    String path = commandPath(o.command());
    return path.isEmpty() ? name(o) : path + "." + name(o);
  }

  /** {@code FLEET_AGENT_SLOTS}. */
  static String envName(OptionSpec o) {
    return envName(fileKey(o));
  }

  /** A key as an environment variable: {@code agent.allow-shell} is {@code FLEET_AGENT_ALLOW_SHELL}. */
  static String envName(String key) {
    return "FLEET_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The shared keys that set this option, e.g. {@code coordinator} for {@code --join}. */
  static List<String> sharedKeys(OptionSpec o) {
    List<String> out = new ArrayList<>();
    String name = name(o);
    for (Map.Entry<String, List<String>> e : SHARED.entrySet()) {
      if (e.getValue().contains(name)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Every command below and including {@code root}, parents first. */
  static List<CommandSpec> commands(CommandSpec root) {
    List<CommandSpec> out = new ArrayList<>();
    out.add(root);
    for (CommandLine sub : root.subcommands().values()) {
      CommandSpec s = sub.getCommandSpec();
      if (!out.contains(s)) {
        for (CommandSpec c : commands(s)) {
          if (!out.contains(c)) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }
}
