package dev.fleet.cli;

import dev.fleet.Payload;
import dev.fleet.TaskId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet output TASK}: the output of a task's result, byte for byte, on standard output or into a file; a
 * shell task's is what it printed.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "output", description = "Write a task's output (what its result carried, byte for byte) to standard "
    + "output.")
final class OutputCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "TASK", description = "The task's id.")
  String task;

  @Option(names = {"-o", "--to"}, paramLabel = "FILE", description = "Write it to this file instead.")
  Path to;

  @Override
  Integer execute() {
    Payload output = client.client().output(new TaskId(task));
    try {
      if (to != null) {
        Files.write(to, output.bytes());
      } else {
        // Bytes, not text: the output may be binary, and must come out as the task made it.
        OutputStream out = System.out;
        out.write(output.bytes());
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the output of '" + task + "' to " + (to == null ? "standard output"
          : to) + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
