package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet completion: a script that knows every verb, and that bash really completes with. */
class CompletionTest {
  @TempDir
  Path dir;

  private String script() {
    StringWriter out = new StringWriter();
    int code = Cli.execute(new String[] {"completion"}, Map.of(), dir, new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true), false);
    assertEquals(0, code);
    return out.toString();
  }

  @Test
  void theScriptNamesTheVerbs() {
    String s = script();
    for (String verb : new String[] {"cancel", "drain", "undrain", "rm", "rules", "status", "submit", "agent",
        "coordinator", "completion", "--deadline", "--defaults"}) {
      assertTrue(s.contains(verb), verb + " in the completion script");
    }
  }

  @Test
  void bashCompletesAVerbAndAnOptionWithIt() throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "bash is not installed here");
    Path script = dir.resolve("fleet-completion.bash");
    Files.writeString(script, script());
    String check = "source " + script + "\n"
        + "COMP_WORDS=(fleet und); COMP_CWORD=1; COMP_LINE='fleet und'; COMP_POINT=9; _complete_fleet; "
        + "echo \"verbs: ${COMPREPLY[*]}\"\n"
        + "COMP_WORDS=(fleet drain --dead); COMP_CWORD=2; COMP_LINE='fleet drain --dead'; COMP_POINT=18; "
        + "_complete_fleet; echo \"options: ${COMPREPLY[*]}\"\n";
    Process p = new ProcessBuilder(bash.toString(), "-c", check).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(out.contains("verbs: undrain"), out);
    assertTrue(out.contains("options: --deadline"), out);
  }
}
