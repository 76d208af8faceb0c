package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/** fleet.properties and FLEET_* variables: every option can be set, precedence, typos and bad values refused. */
class SettingsTest {
  @TempDir
  Path dir;

  /** A parsed command line with the settings applied the way a run applies them. */
  private record Parsed(CommandLine cl, ParseResult result) {}

  private static Parsed parse(Settings settings, String... args) {
    CommandLine cl = new CommandLine(new FleetCommand());
    SettingsDefaults defaults = Cli.configure(cl, settings, false);
    ParseResult r = cl.parseArgs(args);
    defaults.applyFlags(r);
    return new Parsed(cl, r);
  }

  private static Object value(Parsed p, String command, String option) {
    return p.cl().getSubcommands().get(command).getCommandSpec().findOption(option).getValue();
  }

  /** A command's output, error and exit status, run as main runs it but with this environment and home. */
  private Run run(Map<String, String> env, String... args) {
    return Run.of(env, dir.resolve("home"), args);
  }

  private Path file(String... lines) throws Exception {
    Path f = Files.createTempFile(dir, "fleet", ".properties");
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  private Settings fileSettings(Path f) {
    return Settings.load(new String[] {"--config", f.toString()}, Map.of(), dir);
  }

  private static final String AGENT = "agent --join http://127.0.0.1:9 --id m1 --stop-after 1s ";

  @Test
  void everyOptionOfEveryCommandCanBeSetFromTheFileAndFromTheEnvironment() throws Exception {
    CommandSpec root = new CommandLine(new FleetCommand()).getCommandSpec();
    int checked = 0;
    for (CommandSpec command : OptionKeys.commands(root)) {
      if (command == root) {
        continue;
      }
      Properties file = new Properties();
      Map<String, String> env = new HashMap<>();
      Map<OptionSpec, Object> expected = new LinkedHashMap<>();
      for (OptionSpec o : command.options()) {
        if (!OptionKeys.configurable(o)) {
          continue;
        }
        Object[] sample = sample(command, o);
        file.setProperty(OptionKeys.fileKey(o), (String) sample[0]);
        env.put(OptionKeys.envName(o), (String) sample[0]);
        expected.put(o, sample[1]);
      }
      List<String> args = new ArrayList<>(Arrays.asList(OptionKeys.commandPath(command).split("\\.")));
      for (PositionalParamSpec p : command.positionalParameters()) {
        if (p.arity().min > 0) {
          args.add("p1");
        }
      }
      Path f = dir.resolve(OptionKeys.commandPath(command) + ".properties");
      try (var w = Files.newBufferedWriter(f)) {
        file.store(w, null);
      }
      for (Settings settings : List.of(fileSettings(f), Settings.load(new String[0], env, dir))) {
        settings.check(root);
        Parsed p = parse(settings, args.toArray(String[]::new));
        ParseResult deepest = p.result();
        while (deepest.subcommand() != null) { // fleet coordinator export-cert is two levels down
          deepest = deepest.subcommand();
        }
        CommandSpec parsed = deepest.commandSpec();
        for (Map.Entry<OptionSpec, Object> e : expected.entrySet()) {
          Object got = parsed.findOption(e.getKey().longestName()).getValue();
          assertEquals(e.getValue(), got, "fleet " + OptionKeys.commandPath(command) + " " + e.getKey().longestName()
              + " from " + (settings.file().isPresent() ? "the file" : "the environment"));
          checked++;
        }
      }
    }
    assertTrue(checked > 100, "checked " + checked + " option settings");
  }

  /** The text to write for an option and the value picocli must then hold: the opposite of its default. */
  private static Object[] sample(CommandSpec command, OptionSpec o) {
    Class<?> type = o.typeInfo().getType();
    String name = OptionKeys.name(o);
    if (OptionKeys.isFlag(o)) {
      boolean on = !"true".equals(o.defaultValue());
      return new Object[] {String.valueOf(on), on};
    }
    if (type == String.class) {
      return new Object[] {"s-" + name, "s-" + name};
    }
    if (type == int.class || type == Integer.class) {
      return new Object[] {"3", 3};
    }
    if (type == long.class || type == Long.class) {
      return new Object[] {"3", 3L};
    }
    if (type == double.class || type == Double.class) {
      return new Object[] {"0.5", 0.5};
    }
    if (type == Duration.class) {
      return new Object[] {"PT2S", Duration.ofSeconds(2)};
    }
    if (type == Path.class) {
      return new Object[] {"/tmp/fleet-" + name, Path.of("/tmp/fleet-" + name)};
    }
    if (type == URI.class) {
      return new Object[] {"http://127.0.0.1:9/" + name, URI.create("http://127.0.0.1:9/" + name)};
    }
    if (List.class.isAssignableFrom(type) && o.typeInfo().getAuxiliaryTypes()[0] == String.class) {
      boolean splits = o.splitRegex() != null && !o.splitRegex().isEmpty();
      return new Object[] {"a,b", splits ? List.of("a", "b") : List.of("a,b")};
    }
    if (Map.class.isAssignableFrom(type)) {
      return new Object[] {"k=v", Map.of("k", "v")};
    }
    if (type.isEnum()) {
      Object first = type.getEnumConstants()[0];
      return new Object[] {((Enum<?>) first).name(), first};
    }
    fail("no sample value for " + type.getName() + " (option " + o.longestName() + " of fleet "
        + OptionKeys.commandPath(command) + "): add one to SettingsTest.sample");
    return null;
  }

  @Test
  void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
    Path f = file("agent.slots=2", "agent.role=from-file", "agent.hostname=file.host", "state-dir=/tmp/shared");
    Map<String, String> env = Map.of("FLEET_CONFIG", f.toString(), "FLEET_AGENT_SLOTS", "4",
        "FLEET_AGENT_ROLE", "from-env", "FLEET_STATE_DIR", "/tmp/env-shared");
    Settings settings = Settings.load(new String[0], env, dir);
    Parsed p = parse(settings, (AGENT + "--slots 8").split(" "));
    assertEquals(8, value(p, "agent", "--slots"), "the command line wins");
    assertEquals("from-env", value(p, "agent", "--role"), "the environment wins over the file");
    assertEquals("file.host", value(p, "agent", "--hostname"), "the file wins over the default");
    assertEquals(Path.of("/tmp/env-shared"), value(p, "agent", "--state-dir"), "a shared variable over a shared key");
    Parsed none = parse(Settings.none(), AGENT.split(" "));
    assertEquals("worker", value(none, "agent", "--role"), "the built-in default");

    Path own = file("agent.state-dir=/tmp/own", "state-dir=/tmp/shared", "coordinator=http://127.0.0.1:7777");
    Parsed q = parse(fileSettings(own), "agent", "--id", "m1");
    assertEquals(Path.of("/tmp/own"), value(q, "agent", "--state-dir"), "a command's key wins over a shared one");
    assertEquals("http://127.0.0.1:7777", value(q, "agent", "--join"), "coordinator sets --join");
    Parsed s = parse(fileSettings(own), "status");
    assertEquals(Path.of("/tmp/shared"), value(s, "status", "--state-dir"));
    assertEquals("http://127.0.0.1:7777", value(s, "status", "--coordinator"));
  }

  @Test
  void aFlagSetInTheFileIsNotTurnedOffByGivingItAgainAndCanBeTurnedOffExplicitly() throws Exception {
    Path f = file("agent.allow-shell=true", "verbose=true");
    assertEquals(true, value(parse(fileSettings(f), (AGENT + "--allow-shell").split(" ")), "agent", "--allow-shell"));
    assertEquals(false, value(parse(fileSettings(f), (AGENT + "--allow-shell=false").split(" ")), "agent",
        "--allow-shell"));
    Parsed p = parse(fileSettings(f), AGENT.split(" "));
    assertEquals(true, value(p, "agent", "--allow-shell"));
    assertTrue(((FleetCommand) p.cl().getCommand()).verbose, "the shared verbose key reaches the root option");
    Parsed v = parse(fileSettings(file("verbose=false")), ("-v " + AGENT).split(" "));
    assertTrue(((FleetCommand) v.cl().getCommand()).verbose, "-v before the subcommand wins over the file");
  }

  @Test
  void theConfigFileIsTheFlagElseFleetConfigElseTheOneInTheHomeDirectory() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(Settings.defaultFile(home).getParent());
    Files.writeString(Settings.defaultFile(home), "agent.role=home\n");
    Path flag = file("agent.role=flag");
    Path env = file("agent.role=env");
    Map<String, String> withEnv = Map.of("FLEET_CONFIG", env.toString());
    assertEquals("home", value(parse(Settings.load(new String[0], Map.of(), home), AGENT.split(" ")), "agent",
        "--role"));
    assertEquals("env", value(parse(Settings.load(new String[0], withEnv, home), AGENT.split(" ")), "agent", "--role"));
    String[] args = ("--config=" + flag + " " + AGENT).split(" ");
    assertEquals("flag", value(parse(Settings.load(args, withEnv, home), args), "agent", "--role"));
    String[] late = (AGENT + "--config " + flag).split(" ");
    assertEquals("flag", value(parse(Settings.load(late, withEnv, home), late), "agent", "--role"));

    Run missing = run(Map.of(), "status", "--config", dir.resolve("nope.properties").toString());
    assertEquals(2, missing.code());
    assertEquals("fleet: the config file " + dir.resolve("nope.properties") + " (from --config) does not exist\n",
        missing.err());
    Run missingEnv = run(Map.of("FLEET_CONFIG", "/nonexistent/fleet.properties"), "status");
    assertTrue(missingEnv.err().contains("/nonexistent/fleet.properties (from FLEET_CONFIG) does not exist"),
        missingEnv.err());
  }

  @Test
  void anUnknownKeyInTheFileIsRefusedNamingTheKeyAndTheFile() throws Exception {
    Path f = file("agent.slot=2");
    Run r = run(Map.of(), "--config", f.toString(), "status");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("fleet: unknown key 'agent.slot' in the config file " + f
        + " (did you mean 'agent.slots'?)"), r.err());
    assertEquals("", r.out());
    Run shared = run(Map.of(), "--config", file("coordinater=http://127.0.0.1:1").toString(), "status");
    assertTrue(shared.err().contains("unknown key 'coordinater'") && shared.err().contains("'coordinator'"),
        shared.err());
  }

  @Test
  void aMistypedVariableOfACommandIsRefusedAndOtherFleetVariablesAreLeftAlone() {
    Run r = run(Map.of("FLEET_AGENT_SLOT", "2"), "rules", "--defaults");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("fleet: unknown environment variable FLEET_AGENT_SLOT (did you mean "
        + "'FLEET_AGENT_SLOTS'?)"), r.err());
    Run other = run(Map.of("FLEET_SERVER_ADDRESS", "https://example.org"), "rules", "--defaults");
    assertEquals(0, other.code(), other.err());
  }

  @Test
  void aBadValueNamesTheOptionAndWhereItCameFrom() throws Exception {
    Path f = file("agent.slots=many");
    Run fromFile = run(Map.of(), ("--config " + f + " " + AGENT + "--token " + "x".repeat(30)).split(" "));
    assertEquals(2, fromFile.code());
    assertEquals("fleet agent: Invalid value for option '--slots': 'many' is not an int (from key 'agent.slots' in "
        + f + ")\n", fromFile.err());
    Run fromEnv = run(Map.of("FLEET_AGENT_SHELL_TIMEOUT", "soon"), (AGENT + "--token " + "x".repeat(30)).split(" "));
    assertEquals(2, fromEnv.code());
    assertTrue(fromEnv.err().startsWith("fleet agent: Invalid value for option '--shell-timeout': 'soon' is not a "
        + "duration") && fromEnv.err().endsWith("(from FLEET_AGENT_SHELL_TIMEOUT)\n"), fromEnv.err());
    Run flag = run(Map.of("FLEET_AGENT_NO_PROBES", "yes"), (AGENT + "--token " + "x".repeat(30)).split(" "));
    assertEquals(2, flag.code());
    assertEquals("fleet agent: Invalid value for option '--no-probes': 'yes' is not true or false (from "
        + "FLEET_AGENT_NO_PROBES)\n", flag.err());
    Run onTheCommandLine = run(Map.of(), (AGENT + "--slots many").split(" "));
    assertEquals(2, onTheCommandLine.code());
    assertTrue(onTheCommandLine.err().startsWith("Invalid value for option '--slots': 'many' is not an int\n"),
        onTheCommandLine.err());
  }

  @Test
  void anEmptyValueSetsNothing() {
    Parsed p = parse(Settings.load(new String[0], Map.of("FLEET_AGENT_ROLE", " "), dir), AGENT.split(" "));
    assertEquals("worker", value(p, "agent", "--role"));
    assertFalse(Settings.load(new String[0], Map.of("FLEET_CONFIG", ""), dir).file().isPresent());
  }
}
