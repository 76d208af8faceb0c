package dev.fleet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        SleepCommand.class,
        CommandLine.HelpCommand.class})
public final class FleetCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FleetCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
