package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleet coordinator --load-ceiling / --urgent-ceiling}: taken when sensible, refused clearly when not. */
class CoordinatorCeilingTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new FleetCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private void refused(String message, String... ceilings) {
    Path state = dir.resolve("state");
    String[] args = new String[3 + ceilings.length];
    args[0] = "coordinator";
    args[1] = "--state-dir";
    args[2] = state.toString();
    System.arraycopy(ceilings, 0, args, 3, ceilings.length);
    assertEquals(1, run(args), err.toString());
    assertEquals("fleet coordinator: " + message, err.toString().strip());
    assertFalse(Files.exists(state), "nothing is written for a refused setting");
    err.getBuffer().setLength(0);
  }

  @Test
  void aCeilingOutOfRangeOrBelowTheOtherIsRefusedWithTheValue() {
    refused("--load-ceiling must be a load in (0, 10], e.g. 0.8 or 1.5, got 12.0", "--load-ceiling", "12");
    refused("--load-ceiling must be a load in (0, 10], e.g. 0.8 or 1.5, got 0.0", "--load-ceiling", "0");
    refused("--urgent-ceiling must be a load in (0, 10], e.g. 0.8 or 1.5, got -1.0", "--urgent-ceiling", "-1");
    refused("--urgent-ceiling 0.85 must be at least the load ceiling 0.9 (--load-ceiling)",
        "--load-ceiling", "0.9", "--urgent-ceiling", "0.85");
    refused("--urgent-ceiling 0.5 must be at least the load ceiling 0.8 (the default; lower it with --load-ceiling)",
        "--urgent-ceiling", "0.5");
  }

  @Test
  void aCoordinatorRunsWithTheCeilingsGiven() {
    assertEquals(0, run("coordinator", "--state-dir", dir.resolve("state").toString(), "--in-memory", "--port", "0",
        "--load-ceiling", "1.5", "--urgent-ceiling", "2", "--stop-after", "1s"), err.toString());
    assertTrue(out.toString().contains("Fleet coordinator listening on http://127.0.0.1:"), out.toString());
    assertTrue(out.toString().contains("Coordinator stopped."), out.toString());
  }
}
