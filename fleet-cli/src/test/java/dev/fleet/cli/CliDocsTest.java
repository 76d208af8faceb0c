package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md (with docs/cli-tasks-and-events.md for the verbs described there) names every command, every
 * option and every shared key: a command or option added without its documentation fails here.
 */
class CliDocsTest {
  private static String docs() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("cli.md", "cli-tasks-and-events.md")) {
      Path p = Path.of("..", "docs", name);
      if (Files.exists(p)) {
        sb.append(Files.readString(p)).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void everyCommandAndOptionIsDocumented() throws Exception {
    String docs = docs();
    assertTrue(docs.contains("# The `fleet` command"), "docs/cli.md was read");
    CommandSpec root = new CommandLine(new FleetCommand()).getCommandSpec();
    List<String> missing = new ArrayList<>();
    for (CommandSpec c : OptionKeys.commands(root)) {
      String path = OptionKeys.commandPath(c);
      if (path.equals("help")) {
        continue;
      }
      if (!path.isEmpty() && !docs.contains("fleet " + path.replace('.', ' '))) {
        missing.add("the command fleet " + path);
      }
      for (OptionSpec o : c.options()) {
        if (!docs.contains("`" + o.longestName())) {
          missing.add(o.longestName() + " of fleet " + path);
        }
      }
    }
    for (String key : OptionKeys.SHARED.keySet()) {
      if (!docs.contains("| `" + key + "` | `" + OptionKeys.envName(key) + "` |")) {
        missing.add("the shared key " + key);
      }
    }
    assertTrue(missing.isEmpty(), "not in docs/cli.md: " + missing);
  }
}
