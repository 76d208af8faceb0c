package dev.fleet.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values from outside the command line: {@code FLEET_*} environment variables and a
 * {@code fleet.properties} file. The file is {@code --config FILE}, else {@code $FLEET_CONFIG}, else
 * {@code ~/.config/fleet/fleet.properties} if it exists. For one option the environment wins over the file, and
 * within each a command's own key ({@code agent.slots}, {@code FLEET_AGENT_SLOTS}) wins over a shared one
 * ({@code state-dir}, {@code FLEET_STATE_DIR}).
 *
 * <p>Immutable after {@link #load}; thread-safe.
 */
final class Settings {
  /** A value and where it came from, for error messages: {@code FLEET_AGENT_SLOTS} or {@code agent.slots in F}. */
  record Value(String text, String source) {}

  private final Map<String, String> env;
  private final Path file;
  private final Properties properties;

  private Settings(Map<String, String> env, Path file, Properties properties) {
    this.env = Map.copyOf(env);
    this.file = file;
    this.properties = properties;
  }

  /** Settings from nothing but built-in defaults. */
  static Settings none() {
    return new Settings(Map.of(), null, new Properties());
  }

  /**
   * Finds and reads the config file. {@code args} are scanned for {@code --config}, which picocli would see too
   * late: defaults are asked for while the command line is parsed.
   *
   * @throws IllegalArgumentException naming the file if it was asked for and is missing, or cannot be read
   */
  static Settings load(String[] args, Map<String, String> env, Path home) {
    Optional<String> flag = configFlag(args);
    String fromEnv = env.get(OptionKeys.CONFIG_ENV);
    Path file;
    String named;
    if (flag.isPresent()) {
      file = Path.of(flag.get());
      named = "--config";
    } else if (fromEnv != null && !fromEnv.isBlank()) {
      file = Path.of(fromEnv.trim());
      named = OptionKeys.CONFIG_ENV;
    } else {
      file = defaultFile(home);
      named = null;
      if (!Files.isRegularFile(file)) {
        return new Settings(env, null, new Properties());
      }
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("the config file " + file + " (from " + named + ") does not exist");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage(), e);
    }
    return new Settings(env, file, p);
  }

  /** {@code ~/.config/fleet/fleet.properties}. */
  static Path defaultFile(Path home) {
    return home.resolve(".config").resolve("fleet").resolve("fleet.properties");
  }

  private static Optional<String> configFlag(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Optional.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Optional.of(args[i].substring("--config=".length()));
      }
    }
    return Optional.empty();
  }

  /** The config file read, if any. */
  Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * The option's value from the environment or the file, most specific first; empty if neither sets it. An empty
   * value sets nothing, so {@code FLEET_COORDINATOR=} is the same as leaving it out.
   */
  Optional<Value> lookup(OptionSpec o) {
    return find(o).filter(v -> !v.text().isEmpty());
  }

  private Optional<Value> find(OptionSpec o) {
    List<String> shared = OptionKeys.sharedKeys(o);
    String own = OptionKeys.fileKey(o);
    String v = env.get(OptionKeys.envName(own));
    if (v != null) {
      return Optional.of(new Value(v.trim(), OptionKeys.envName(own)));
    }
    for (String k : shared) {
      v = env.get(OptionKeys.envName(k));
      if (v != null) {
        return Optional.of(new Value(v.trim(), OptionKeys.envName(k)));
      }
    }
    v = properties.getProperty(own);
    if (v != null) {
      return Optional.of(new Value(v.trim(), "key '" + own + "' in " + file));
    }
    for (String k : shared) {
      v = properties.getProperty(k);
      if (v != null) {
        return Optional.of(new Value(v.trim(), "key '" + k + "' in " + file));
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses what is most likely a typo: a key in the file that names no option of any command, or an environment
   * variable that starts like a command's ({@code FLEET_AGENT_}) but names none of its options. Other
   * {@code FLEET_*} variables may belong to other programs and are left alone.
   *
   * @throws IllegalArgumentException naming the key and the file, or the variable
   */
  void check(CommandSpec root) {
    TreeSet<String> keys = new TreeSet<>(OptionKeys.SHARED.keySet());
    List<String> prefixes = new ArrayList<>();
    for (CommandSpec c : OptionKeys.commands(root)) {
      String path = OptionKeys.commandPath(c);
      if (!path.isEmpty()) {
        prefixes.add(OptionKeys.envName(path) + "_");
      }
      for (OptionSpec o : c.options()) {
        if (OptionKeys.configurable(o)) {
          keys.add(OptionKeys.fileKey(o));
        }
      }
    }
    for (String k : new TreeSet<>(properties.stringPropertyNames())) {
      if (!keys.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + k + "' in the config file " + file + nearest(k, keys)
            + "; a key is COMMAND.OPTION (e.g. agent.slots) or a shared key (" + String.join(", ",
            new TreeSet<>(OptionKeys.SHARED.keySet())) + ")");
      }
    }
    TreeSet<String> names = new TreeSet<>();
    for (String k : keys) {
      names.add(OptionKeys.envName(k));
    }
    names.add(OptionKeys.CONFIG_ENV);
    for (String name : new TreeSet<>(env.keySet())) {
      if (names.contains(name)) {
        continue;
      }
      for (String prefix : prefixes) {
        if (name.startsWith(prefix)) {
          throw new IllegalArgumentException("unknown environment variable " + name + nearest(name, names)
              + "; a variable is FLEET_COMMAND_OPTION (e.g. FLEET_AGENT_SLOTS) or FLEET_ and a shared key");
        }
      }
    }
  }

  /** " (did you mean 'x'?)" for a known name at most two edits away, else nothing. */
  private static String nearest(String wrong, Iterable<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(wrong, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
