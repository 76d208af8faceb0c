package dev.fleet.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code fleet} command: the entry point of the runnable jar.
 *
 * <p>Each invocation runs on the calling thread and exits.
 */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    version = "fleet 0.1.0-SNAPSHOT",
    description = "Turns your own machines into one fleet.",
    subcommands = {DemoCommand.class, RulesCommand.class, CoordinatorCommand.class, AgentCommand.class,
        SubmitCommand.class, StatusCommand.class, ExplainCommand.class, BackupCommand.class, RestoreCommand.class,
        TasksCommand.class, OutputCommand.class, EventsCommand.class,
        CancelCommand.class, DrainCommand.class, UndrainCommand.class, RemoveCommand.class, CompletionCommand.class,
        SleepCommand.class, JoinTokenCommand.class, ApprovalsCommand.class, ApproveCommand.class,
        RegistryCommand.class,
        CapacityCommand.class,
        CommandLine.HelpCommand.class})
public final class FleetCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Log debug records and stack traces, and Jetty's INFO records.")
  boolean verbose;

  @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
      description = "Take option defaults from this fleet.properties (default: $FLEET_CONFIG, else "
          + "~/.config/fleet/fleet.properties if it exists).")
  Path config;

  public static void main(String[] args) {
    System.exit(Cli.execute(args, System.getenv(), Path.of(System.getProperty("user.home")), null, null, true));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
