package dev.fleet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running coordinator as a client: it takes the client options (URL, token, trust) and
 * turns the failures a person can fix into one line and exit status 1 ({@link CommandErrors}).
 *
 * <p>Runs on the calling thread.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Override
  public final Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  /** Does the command's work; its exceptions become {@link CommandErrors}' one-line messages. */
  abstract Integer execute() throws Exception;
}
