package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new FleetCommand());
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute(args), out.toString());
    return out.toString();
  }

  @Test
  void demoWalksThroughDispatchQueueingAndFailure() {
    String out = run("demo");
    assertTrue(out.contains("-> dispatched to m4-mirror: m4-mirror chosen by least-loaded (load 0.20 < 0.80)"), out);
    assertTrue(out.contains("video     video             normal      queued"), out);
    assertTrue(out.matches("(?s).*post-\\d+ waits: 0/3 machines fit: 2 lack 'social', 1 at load 0\\.\\d\\d >= 0\\.80.*"),
        out);
    assertTrue(out.matches("(?s).*post-\\d+ dispatched to m4-mirror.*"), out);
    assertTrue(out.contains("gcp-watcher online -> suspect   silent for 15.0s >= 15.0s"), out);
    assertTrue(out.contains("gcp-watcher suspect -> offline  silent for 30.0s >= 30.0s"), out);
    assertTrue(out.contains("uptime -> queued: 0/3 machines fit: 1 offline, 2 lack 'monitoring'"), out);
    assertTrue(out.contains("uptime dispatched to gcp-watcher"), out);
    assertTrue(out.contains("backup moved off gcp-watcher    gcp-watcher went offline; attempt 2 after a delay of 1s"), out);
    assertTrue(out.matches("(?s).*pager dispatched to gcp-watcher .*attempt 2\n.*backup dispatched to gcp-watcher.*"), out);
    // It ends with `fleet capacity` on its own history: the video task waited all along for a machine with 'video'.
    assertTrue(out.matches("(?s).*7\\. What the fleet's own history says \\(fleet capacity\\)\n"
        + "Capacity over the last 24h \\(history covers \\d+s\\):\n"
        + "  1 task waited \\d+s for 'video': add a machine with 'video'\n.*"), out);
    assertTrue(out.matches("(?s).*\n  video +0% +[▁▂▃▄▅▆▇█]+ +1\\.0 .*"), out);
  }

  @Test
  @org.junit.jupiter.api.Timeout(150)
  void theNetworkDemoRunsAgentProcessesAndMovesTheWorkOfTheOneItKills() {
    String out = run("demo", "--network");
    assertTrue(out.contains("kill -9 m4-mirror's agent"), out);
    assertTrue(out.contains("m4-mirror suspect -> offline"), out);
    assertTrue(out.matches("(?s).*attempt 1 on m4-mirror: m4-mirror went offline; attempt 2 on m3-forge: succeeded.*"),
        out);
    assertTrue(out.contains("restarting the coordinator with "), out);
    assertTrue(out.contains("unknown (restored from the journal"), out);
    assertTrue(out.contains("from its journal: 3 machines, 8 of 8 tasks known"), out);
    assertTrue(out.contains("every task succeeded through an agent crash and a coordinator restart, each result "
        + "accepted once"), out);
  }

  @Test
  void rulesPrintsTheLivePage() {
    String out = run("rules", "--load-ceiling", "0.7");
    assertTrue(out.startsWith("Built-in rules with load ceiling 0.70, not a running coordinator's:\n"
        + "Fleet rules (generated from the live configuration)"), out);
    assertTrue(out.contains("below 0.70 (urgent tasks: below 0.95)"), out);
  }

  @Test
  void aBadSettingIsRefusedWithTheValue() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new FleetCommand());
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("rules", "--load-ceiling", "-2");
    assertTrue(code != 0);
    assertTrue(err.toString().contains("-2.0"), err.toString());
  }
}
