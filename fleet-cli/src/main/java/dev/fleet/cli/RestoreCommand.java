package dev.fleet.cli;

import dev.fleet.core.FileJournal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet restore FILE}: offline, makes the state directory's journal from a backup, so the next
 * {@code fleet coordinator} with that state directory starts with the backed-up fleet. It refuses a journal
 * directory that holds anything, so a live fleet's journal is never overwritten.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "restore", description = "Make a state directory's journal from a backup (the coordinator must be stopped).")
final class RestoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A backup written by 'fleet backup'.")
  Path file;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "The coordinator's state directory (default ~/.fleet).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() {
    StateDir state = new StateDir(stateDir == null ? StateDir.defaultPath() : stateDir);
    Path journal = state.path().resolve(StateDir.JOURNAL);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("backup " + file + " is not a readable file");
    }
    if (!isMissingOrEmpty(journal)) {
      throw new IllegalStateException("journal directory " + journal + " is not empty: restoring would replace a "
          + "fleet's state. Stop its coordinator and move the directory away (or use another --state-dir) first");
    }
    try {
      FileJournal.restore(file, journal);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore " + file + " into " + journal + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Restored " + file + " into " + journal);
    out.println("Start the coordinator with: fleet coordinator --state-dir " + state.path());
    if (state.read(StateDir.CLIENT_TOKEN).isEmpty()) {
      out.println("Copy the client-token file from the old state directory into " + state.path()
          + " first, or clients and the CLI get a new client token");
    }
    out.flush();
    return 0;
  }

  private static boolean isMissingOrEmpty(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }
}
